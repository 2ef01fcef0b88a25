//! `whoami`, `status`, `completions`, `manpages`: where you and the store stand, and
//! docket describing itself to the shell and to `man`.

use super::output::{Format, csv, structured, table};
use super::{Cli, Global, Output};
use clap::{Args, CommandFactory};
use docket::error::{Error, Result};
use docket::ops::{oversight, status};
use docket::t;
use std::path::PathBuf;

/// Key–value rows as the chosen format prints them.
fn pairs(format: Format, rows: Vec<(&str, String)>, json: serde_json::Value) -> String {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(k, v)| match format {
            Format::Table => vec![super::output::heading(k), v],
            _ => vec![k.to_string(), v],
        })
        .collect();
    match format {
        Format::Table => table(&["", ""], &rows)
            .split_once('\n')
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default(),
        Format::Csv => csv(&["field", "value"], &rows),
        f => structured(f, "about", json),
    }
}

fn listed(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    }
}

pub fn whoami(g: &Global) -> Result<Output> {
    g.require_actor(true)?;
    // Opened as nobody: whoami answers also for an actor who may not act today.
    let anonymous = Global {
        actor: None,
        ..g.clone()
    };
    let session = anonymous.open(true)?;
    let name = g.actor.clone().unwrap_or_default();
    let me = status::whoami(&session, &name, &g.keys())?;
    let a = &me.actor;
    let titled = |name: &str, title: Option<&String>| match title {
        Some(t) if !t.is_empty() => format!("{name} ({t})"),
        _ => name.to_string(),
    };
    let standing = match &me.standing {
        Ok(Some(until)) => t!("about-may-act-training-valid", until = until),
        Ok(None) => t!("about-may-act").to_string(),
        Err(why) => t!("about-may-not-act", why = why),
    };
    let signing = match &me.signing {
        Ok(from) => t!("about-yes-key-from", from = from),
        Err(why) => t!("about-cannot-sign", why = why),
    };
    let approves: Vec<String> = me
        .approves
        .iter()
        .map(|(k, rule)| format!("{} ({rule})", super::output::kind_title(k)))
        .collect();
    let titles = |items: &[String], title: &dyn Fn(&str) -> String| -> Vec<String> {
        items.iter().map(|i| title(i)).collect()
    };
    let drafts = titles(&me.drafts, &super::output::kind_title);
    let reveals = titles(&me.reveals, &docket::i18n::class_title);
    let actions = titles(&me.actions, &super::output::action_title);
    let department = match &a.department {
        Some(d) => titled(d, me.department_title.as_ref()),
        None => t!("about-centre"),
    };
    let rows = vec![
        ("actor", a.name.clone()),
        ("role", titled(&a.role, Some(&me.role_title))),
        ("department", department.clone()),
        ("reaches", me.scope.clone()),
        ("drafts", listed(&drafts)),
        ("reveals", listed(&reveals)),
        ("acts", listed(&actions)),
        ("approves", listed(&approves)),
        ("standing", standing.clone()),
        ("key", me.key.clone()),
        ("can sign", signing.clone()),
    ];
    let json = serde_json::json!({
        "actor": a.name, "role": a.role, "department": a.department, "reaches": me.scope,
        "drafts": me.drafts, "reveals": me.reveals, "acts": me.actions,
        "approves": me.approves.iter().map(|(k, r)| serde_json::json!({"kind": k, "rule": r})).collect::<Vec<_>>(),
        "may_act": me.standing.is_ok(), "standing": standing,
        "key": me.key, "can_sign": me.signing.is_ok(), "signing": signing,
    });
    Ok(pairs(g.format, rows, json))
}

pub fn store_status(g: &Global) -> Result<Output> {
    let session = g.open(true)?;
    let s = status::status(&session)?;
    let watch = oversight::oversees(&session)
        .then(|| oversight::oversight(&session))
        .transpose()?;
    if matches!(g.format, Format::Json | Format::Toml) {
        let mut json = serde_json::json!({
            "records": s.counts, "waiting": s.waiting, "to_archive": s.to_archive,
            "overdue": s.overdue, "entries": s.entries, "head": s.head,
            "conflicts": s.conflicts, "shared_across_sites": s.shared,
        });
        if let Some(w) = &watch {
            json["oversight"] = oversight_json(w);
        }
        return Ok(structured(g.format, "status", json));
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (kind, by_status) in &s.counts {
        for (st, n) in by_status {
            let which = match g.format {
                Format::Table => format!(
                    "{} {}",
                    super::output::kind_title(kind),
                    super::output::status_title(st)
                ),
                _ => format!("{kind} {st}"),
            };
            rows.push(vec!["records".into(), which, n.to_string()]);
        }
    }
    for (role, n) in &s.waiting {
        rows.push(vec![
            "waiting".into(),
            t!("about-for-role", role = role),
            n.to_string(),
        ]);
    }
    rows.push(vec![
        "waiting".into(),
        t!("about-archive"),
        s.to_archive.to_string(),
    ]);
    rows.push(vec![
        "overdue".into(),
        t!("about-archive"),
        s.overdue.to_string(),
    ]);
    for c in &s.conflicts {
        rows.push(vec![
            "conflict".into(),
            c.id.clone(),
            c.set_aside.len().to_string(),
        ]);
    }
    for sh in &s.shared {
        rows.push(vec![
            "shared".into(),
            sh.ids.join(" "),
            sh.ids.len().to_string(),
        ]);
    }
    rows.push(vec!["log".into(), "entries".into(), s.entries.to_string()]);
    rows.push(vec!["log".into(), "head".into(), s.head[..16].to_string()]);
    let header = ["what", "which", "count"];
    Ok(match g.format {
        Format::Csv => csv(&header, &rows),
        _ => {
            for r in &mut rows {
                if r[0] != "records" {
                    r[1] = super::output::heading(&r[1]);
                }
                r[0] = super::output::heading(&r[0]);
            }
            let mut out = table(&header, &rows);
            out.push_str(&conflict_lines(&s.conflicts));
            for sh in &s.shared {
                out.push('\n');
                out.push_str(&t!(
                    "about-shared-across-sites",
                    ids = sh.ids.join(", "),
                    field = sh.field.as_str()
                ));
                out.push('\n');
            }
            if let Some(w) = &watch {
                out.push_str(&oversight_tables(w));
            }
            out
        }
    })
}

/// Each record in conflict: whose version stands, what was set aside, how to settle it.
fn conflict_lines(conflicts: &[status::ConflictView]) -> String {
    let mut out = String::new();
    for c in conflicts {
        let asides: Vec<String> = c
            .set_aside
            .iter()
            .map(|a| {
                t!(
                    "about-conflict-set-aside",
                    site = a.site.as_str(),
                    version = a.version,
                    action = docket::text::action(&a.action),
                    actor = a.actor.as_str(),
                    time = a.time.as_str()
                )
            })
            .collect();
        out.push('\n');
        out.push_str(&t!(
            "about-conflict",
            id = c.id.as_str(),
            site = c.current_site.as_str(),
            set_aside = asides.join("; ")
        ));
        out.push('\n');
    }
    out
}

/// The auditor's view: register, key and policy acts with who proposed and co-signed
/// them, and identity-number checks per actor and day.
fn oversight_tables(w: &oversight::Oversight) -> String {
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    let acts: Vec<Vec<String>> = w
        .acts
        .iter()
        .map(|a| {
            vec![
                a.entry.to_string(),
                a.time.clone(),
                docket::text::action(&a.action),
                a.subject.clone(),
                a.proposed_by.clone(),
                dash(&a.cosigned_by),
                dash(&a.flag),
            ]
        })
        .collect();
    let probes: Vec<Vec<String>> = w
        .probes
        .iter()
        .map(|p| {
            let flag = p.beyond.then(|| t!("oversight-beyond-allowance"));
            vec![
                p.actor.clone(),
                p.day.clone(),
                p.count.to_string(),
                dash(&flag),
            ]
        })
        .collect();
    let mut out = format!("\n{}\n", t!("oversight-register-heading"));
    out.push_str(&table(
        &[
            "entry",
            "time",
            "action",
            "subject",
            "proposed_by",
            "cosigned_by",
            "flag",
        ],
        &acts,
    ));
    out.push_str(&format!("\n{}\n", t!("oversight-probes-heading")));
    if probes.is_empty() {
        out.push_str(&format!("{}\n", t!("oversight-no-probes")));
    } else {
        out.push_str(&table(&["actor", "day", "count", "flag"], &probes));
    }
    out
}

fn oversight_json(w: &oversight::Oversight) -> serde_json::Value {
    let acts: Vec<serde_json::Value> = w
        .acts
        .iter()
        .map(|a| {
            serde_json::json!({
                "entry": a.entry, "time": a.time, "action": a.action, "subject": a.subject,
                "proposed_by": a.proposed_by, "cosigned_by": a.cosigned_by, "flag": a.flag,
            })
        })
        .collect();
    let probes: Vec<serde_json::Value> = w
        .probes
        .iter()
        .map(|p| {
            serde_json::json!({
                "actor": p.actor, "day": p.day, "count": p.count, "beyond_allowance": p.beyond,
            })
        })
        .collect();
    serde_json::json!({"register": acts, "probes": probes})
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// The variable a completion script sets when it asks docket for completions.
pub const COMPLETE_VAR: &str = "DOCKET_COMPLETE";

/// The shell's completion script: it asks the `docket` on PATH for each completion, so
/// kinds, record ids, roles and actor names come from the store at hand.
pub fn completions(a: CompletionsArgs) -> Result<Output> {
    use clap_complete::Shell;
    use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
    let shell: &dyn EnvCompleter = match a.shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Elvish => &Elvish,
        Shell::PowerShell => &Powershell,
        _ => &Bash,
    };
    let mut out = Vec::new();
    shell
        .write_registration(COMPLETE_VAR, "docket", "docket", "docket", &mut out)
        .map_err(|e| Error::Internal(e.to_string()))?;
    String::from_utf8(out).map_err(|e| Error::Internal(e.to_string()))
}

#[derive(Args)]
pub struct ManpagesArgs {
    /// The folder to write docket.1 and a page per command into (default:
    /// $XDG_DATA_HOME/man/man1, else ~/.local/share/man/man1, where man looks)
    dir: Option<PathBuf>,
}

/// Where `man` finds a user's own pages: `$XDG_DATA_HOME/man/man1`, else
/// `~/.local/share/man/man1`.
fn user_man_dir() -> Result<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")));
    data.map(|d| d.join("man/man1"))
        .ok_or_else(|| Error::usage(t!("about-no-man-folder"), Some(t!("about-name-man-folder"))))
}

pub fn manpages(g: &Global, a: ManpagesArgs) -> Result<Output> {
    let dir = match a.dir {
        Some(d) => d,
        None => user_man_dir()?,
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let cmd = super::localize::command(Cli::command(), docket::i18n::current());
    clap_mangen::generate_to(cmd, &dir).map_err(|e| Error::io(&dir, e))?;
    let main_page = dir.join("docket.1");
    let mut page = std::fs::read_to_string(&main_page).map_err(|e| Error::io(&main_page, e))?;
    page.push_str(&super::manual::sections());
    std::fs::write(&main_page, page).map_err(|e| Error::io(&main_page, e))?;
    g.note(&t!("about-wrote-docket-page-each", display = dir.display()));
    Ok(String::new())
}
