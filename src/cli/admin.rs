//! `init`, `actor`, `types`, `log`, `verify`, `recover`.

use super::output::{Format, csv, structured, table};
use super::{Global, Output};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use docket::error::{Error, Result};
use docket::keys::Key;
use docket::layout::LOCK_NAME;
use docket::ops::actors::{self, ActorChange};
use docket::ops::{init as initialize, log as audit_log, verify as checking};
use docket::schema::kind::Kind;
use docket::store::Store;
use docket::store::lock::{LockMode, StoreLock};
use docket::t;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args)]
pub struct InitArgs {
    /// Where to create the store (default: here)
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The first administrator's actor name
    #[arg(long)]
    admin: String,
    /// The administrator's OpenSSH Ed25519 public key: a .pub file or the `ssh-ed25519 AAAA…` line
    #[arg(long, value_name = "PUBKEY")]
    key: String,
    /// The store's display name (default: the folder's name)
    #[arg(long)]
    name: Option<String>,
    /// The code of the store's first site (office), which this folder writes as
    #[arg(long, visible_alias = "site", default_value = "MAIN")]
    site_code: String,
    /// When the administrator signed the security agreement (default: today)
    #[arg(long, value_name = "DATE")]
    agreement_signed: Option<String>,
    /// When the administrator was last trained (default: today)
    #[arg(long, value_name = "DATE")]
    trained_on: Option<String>,
}

/// A date typed at the command line: exit 5 naming the flag when it is not one (as a
/// bad date is wherever it is typed).
fn date_arg(flag: &str, value: Option<&String>) -> Result<Option<NaiveDate>> {
    let Some(text) = value else { return Ok(None) };
    docket::schema::value::parse_date(text.trim())
        .map(Some)
        .map_err(|m| {
            docket::error::InputError::new(docket::error::Location::file(flag), m)
                .hint(t!("admin-write-date-yyyy-mm"))
                .into()
        })
}

/// A day typed at the command line: a date, or `today`, `yesterday` or `Nd` (N days ago),
/// counted in the store's zone.
fn day_arg(flag: &str, value: Option<&String>, today: NaiveDate) -> Result<Option<NaiveDate>> {
    let Some(text) = value else { return Ok(None) };
    let word = text.trim();
    let ago = match word {
        "today" | "今天" => Some(0),
        "yesterday" | "昨天" => Some(1),
        _ => word
            .strip_suffix('d')
            .or_else(|| word.strip_suffix('天'))
            .and_then(|n| n.parse::<u64>().ok()),
    };
    match ago {
        Some(n) => Ok(today.checked_sub_days(chrono::Days::new(n))),
        None => date_arg(flag, value),
    }
}

pub fn init(g: &Global, a: InitArgs) -> Result<Output> {
    let store = initialize::init(initialize::InitSpec {
        dir: &a.dir,
        admin: &a.admin,
        key: Key::from_arg(&a.key)?,
        keys: g.keys(),
        name: a.name.as_deref(),
        site_code: &a.site_code,
        agreement_signed: date_arg("--agreement-signed", a.agreement_signed.as_ref())?,
        trained_on: date_arg("--trained-on", a.trained_on.as_ref())?,
    })?;
    g.note(&t!(
        "admin-created-store-administrator-register",
        name = store.config.store.name,
        display = a.dir.display(),
        admin = a.admin
    ));
    use docket::ops::against::{GitReady, prepare_git};
    g.note(&match prepare_git(&store.root) {
        GitReady::Made => t!("admin-init-git-made"),
        GitReady::Inside => t!("admin-init-git-inside"),
        GitReady::NoGit => t!("admin-init-git-missing"),
    });
    Ok(String::new())
}

#[derive(Subcommand)]
pub enum ActorCommand {
    /// Register a member of staff
    #[command(after_help = super::examples::ACTOR_ADD)]
    Add(ActorAddArgs),
    /// Change an actor's role, agreement or training date
    #[command(after_help = super::examples::ACTOR_UPDATE)]
    Update(ActorUpdateArgs),
    /// Revoke an actor: they may no longer act
    #[command(after_help = super::examples::ACTOR_REVOKE)]
    Revoke(ActorRevokeArgs),
    /// Co-sign a register change another administrator proposed (a second signature)
    #[command(after_help = super::examples::ACTOR_APPROVE)]
    Approve(ProposalArgs),
    /// List the register
    #[command(after_help = super::examples::ACTOR_LIST)]
    List(super::FormatArg),
    /// Print an OpenSSH allowed_signers file of every key actors sign with
    #[command(after_help = super::examples::ALLOWED_SIGNERS)]
    AllowedSigners,
}

#[derive(Args)]
pub struct ActorAddArgs {
    /// Their actor name: letters of one script, digits, `.`, `_`, `-` (wang.fang, 王芳)
    name: String,
    /// Their role, as schemas/roles.toml names it (business-staff, market-manager,
    /// department-head, archivist, auditor, admin, …)
    #[arg(long)]
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::roles))]
    role: String,
    /// Their OpenSSH Ed25519 public key: a .pub file or the `ssh-ed25519 AAAA…` line
    #[arg(long, value_name = "PUBKEY")]
    key: String,
    /// When the information-security agreement was signed (R-B1)
    #[arg(long, value_name = "DATE")]
    agreement_signed: Option<String>,
    /// When data-protection training was last completed (R-A8)
    #[arg(long, value_name = "DATE")]
    trained_on: Option<String>,
    /// The department or office they belong to (docket.toml [departments]); none: the centre
    #[arg(long, value_name = "NAME")]
    department: Option<String>,
}

#[derive(Args)]
pub struct ActorUpdateArgs {
    /// The actor to change
    name: String,
    /// Their new role (not your own)
    #[arg(long)]
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::roles))]
    role: Option<String>,
    /// Move them to this department, or to the centre with `--department centre`
    #[arg(long, value_name = "NAME")]
    department: Option<String>,
    /// A new public key (rotation); the old one still checks the entries it signed
    #[arg(long, value_name = "PUBKEY")]
    key: Option<String>,
    /// When they signed the information-security agreement (R-B1)
    #[arg(long, value_name = "DATE")]
    agreement_signed: Option<String>,
    /// When they last completed data-protection training (R-A8)
    #[arg(long, value_name = "DATE")]
    trained_on: Option<String>,
}

#[derive(Args)]
pub struct ProposalArgs {
    /// The log entry that holds the proposal (printed when it was proposed; `docket pending`
    /// lists those waiting)
    #[arg(value_name = "ENTRY")]
    entry: u64,
}

#[derive(Args)]
pub struct ActorRevokeArgs {
    /// The actor who may no longer act
    name: String,
    /// Why (kept in the register and the audit log)
    #[arg(long)]
    reason: String,
}

/// What `--department` says for the centre, which is no department.
const CENTRE: &str = "centre";

pub fn actor(g: &Global, c: ActorCommand) -> Result<Output> {
    match c {
        ActorCommand::List(_) => actor_list(g),
        ActorCommand::AllowedSigners => {
            let session = g.open(true)?;
            Ok(actors::allowed_signers(&session))
        }
        change => actor_change(g, change),
    }
}

fn actor_change(g: &Global, c: ActorCommand) -> Result<Output> {
    let mut w = g.writer()?;
    match c {
        ActorCommand::Add(a) => {
            let change = ActorChange {
                role: Some(a.role),
                department: Some(a.department.filter(|d| d != CENTRE)),
                key: Some(Key::from_arg(&a.key)?),
                agreement_signed: date_arg("--agreement-signed", a.agreement_signed.as_ref())?,
                trained_on: date_arg("--trained-on", a.trained_on.as_ref())?,
            };
            let actor = match actors::add(&mut w, &a.name, change)? {
                actors::Registered::Done(actor) => actor,
                proposed => return Ok(proposal_made(g, proposed, "actor")),
            };
            g.note(&t!(
                "admin-registered",
                name = actor.name,
                role = actor.role
            ));
            if let Err(e) =
                actor.check_standing(w.today(), w.store().config.policy.training_valid_days)
            {
                say!(
                    "{}",
                    t!("admin-warning-cannot-act-yet", name = actor.name, e = e)
                );
            }
        }
        ActorCommand::Update(a) => {
            let change = ActorChange {
                role: a.role,
                department: a.department.map(|d| Some(d).filter(|d| d != CENTRE)),
                key: a.key.as_deref().map(Key::from_arg).transpose()?,
                agreement_signed: date_arg("--agreement-signed", a.agreement_signed.as_ref())?,
                trained_on: date_arg("--trained-on", a.trained_on.as_ref())?,
            };
            let actor = match actors::update(&mut w, &a.name, change)? {
                actors::Registered::Done(actor) => actor,
                proposed => return Ok(proposal_made(g, proposed, "actor")),
            };
            g.note(&t!(
                "admin-updated-version",
                name = actor.name,
                version = actor.version
            ));
        }
        ActorCommand::Revoke(a) => {
            if a.reason.trim().is_empty() {
                return Err(Error::usage(
                    t!("admin-reason-must-not-empty"),
                    Some(t!("admin-say-why-few-words").to_string()),
                ));
            }
            let actor = actors::revoke(&mut w, &a.name, &a.reason)?;
            g.note(&format!("revoked `{}`", actor.name));
        }
        ActorCommand::Approve(a) => {
            let actor = actors::approve(&mut w, a.entry)?;
            g.note(&t!(
                "admin-cosigned",
                entry = a.entry,
                name = actor.name,
                version = actor.version
            ));
        }
        ActorCommand::List(_) | ActorCommand::AllowedSigners => {}
    }
    Ok(String::new())
}

/// A change that waits for a second administrator: its entry on stdout (for scripts), and
/// on stderr why and how to co-sign it.
fn proposal_made(g: &Global, proposed: actors::Registered, command: &str) -> Output {
    let actors::Registered::Proposed { entry, reasons } = proposed else {
        return String::new();
    };
    g.note(&t!(
        "admin-proposed",
        entry = entry,
        reasons = reasons.join("; "),
        command = command
    ));
    format!("{entry}\n")
}

fn actor_list(g: &Global) -> Result<Output> {
    let session = g.open(false)?;
    let list = actors::list(&session)?;
    let header = [
        "name",
        "role",
        "department",
        "agreement_signed",
        "trained_on",
        "state",
    ];
    let mut rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            let d = |x: Option<NaiveDate>| x.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
            vec![
                a.name.clone(),
                a.role.clone(),
                a.department.clone().unwrap_or_else(|| CENTRE.into()),
                d(a.agreement_signed),
                d(a.trained_on),
                if a.revoked {
                    "revoked".into()
                } else {
                    "active".into()
                },
            ]
        })
        .collect();
    Ok(match g.format {
        Format::Csv => csv(&header, &rows),
        Format::Json | Format::Toml => structured(
            g.format,
            "actors",
            serde_json::to_value(&list).map_err(|e| Error::Internal(e.to_string()))?,
        ),
        Format::Table => {
            for r in &mut rows {
                r[1] = super::output::role_title(&r[1]);
                r[5] = if r[5] == "revoked" {
                    t!("actor-state-revoked")
                } else {
                    t!("actor-state-active")
                };
            }
            table(&header, &rows)
        }
    })
}

#[derive(Args)]
pub struct TypesArgs {
    #[command(flatten)]
    pub(super) out: super::FormatArg,
    /// One kind to describe
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::kinds))]
    kind: Option<String>,
}

pub fn types(g: &Global, a: TypesArgs) -> Result<Output> {
    let session = g.open(true)?;
    let schemas = &session.schemas();
    let Some(name) = a.kind else {
        let header = ["kind", "prefix", "lifecycle", "title"];
        let rows: Vec<Vec<String>> = schemas
            .kinds
            .values()
            .map(|k| {
                vec![
                    k.name.clone(),
                    k.prefix.clone(),
                    if k.is_contract() {
                        "contract".into()
                    } else {
                        "register".into()
                    },
                    k.title.show(&k.name),
                ]
            })
            .collect();
        return Ok(match g.format {
            Format::Csv => csv(&header, &rows),
            Format::Json | Format::Toml => structured(
                g.format,
                "kinds",
                serde_json::Value::Array(schemas.kinds.values().map(kind_json).collect()),
            ),
            Format::Table => table(&header, &rows),
        });
    };
    let k = schemas.kind(&name)?;
    match g.format {
        Format::Json | Format::Toml => return Ok(structured(g.format, "kind", kind_json(k))),
        Format::Csv => {
            return Ok(csv(
                &["name", "type", "required", "pii", "purpose"],
                &field_rows(k),
            ));
        }
        Format::Table => {}
    }
    let mut s = t!(
        "admin-kind-heading",
        kind = k.name,
        file = k.file,
        title = k.title.show(&k.name),
        prefix = k.prefix,
        lifecycle = if k.is_contract() {
            "contract"
        } else {
            "register"
        }
    );
    if let Some(e) = k.effective {
        s.push_str(&t!("admin-force-from", e = e));
    }
    s.push('\n');
    if let Some(r) = &k.create_roles {
        s.push_str(&format!(
            "{}\n",
            t!("admin-drafted-only-by", roles = r.join(", "))
        ));
    }
    s.push_str(&format!("\n{}\n", t!("admin-section-fields")));
    // For people, each field's title beside its name.
    let rows: Vec<Vec<String>> = field_rows(k)
        .into_iter()
        .zip(&k.fields)
        .map(|(mut row, f)| {
            row.insert(1, f.title.show(&f.name));
            row
        })
        .collect();
    s.push_str(&indent(&table(
        &["name", "title", "type", "required", "pii", "purpose"],
        &rows,
    )));
    if !k.rules.is_empty() {
        s.push_str(&format!("\n{}\n", t!("admin-section-rules")));
        for r in &k.rules {
            s.push_str(&format!(
                "  {}{}: {}\n    {}\n",
                r.id,
                if r.warning {
                    t!("admin-rule-warning")
                } else {
                    String::new()
                },
                r.check.source,
                r.message.show("")
            ));
        }
    }
    if !k.fees.is_empty() {
        s.push_str(&format!("\n{}\n", t!("admin-section-fees")));
        for f in &k.fees {
            let basis = match (&f.tariff, &f.equals) {
                (Some(t), _) => t!(
                    "admin-tariff",
                    t = t,
                    as_ref = f
                        .per
                        .as_ref()
                        .map(|p| format!(" × {p}"))
                        .unwrap_or_default()
                ),
                (_, Some(e)) => e.clone(),
                _ => String::new(),
            };
            let when = f
                .when
                .as_ref()
                .map(|w| t!("admin-when", condition = w.source))
                .unwrap_or_default();
            s.push_str(&format!("  {} {} = {basis}{when}\n", f.rule, f.field));
        }
    }
    if !k.steps.is_empty() {
        s.push_str(&format!("\n{}\n", t!("admin-section-steps")));
        for st in &k.steps {
            let when = st
                .when
                .as_ref()
                .map(|w| t!("admin-when", condition = w.source))
                .unwrap_or_else(|| t!("admin-always"));
            s.push_str(&format!("  {} ({}){when}\n", st.role, st.rule));
        }
    }
    Ok(s)
}

/// One row per field: name, type, when required, PII class, purpose.
fn field_rows(k: &Kind) -> Vec<Vec<String>> {
    k.fields
        .iter()
        .map(|f| {
            let req = if f.required {
                t!("admin-required")
            } else if let Some(w) = &f.required_when {
                t!("admin-required-when", source = w.source)
            } else {
                t!("admin-optional")
            };
            vec![
                f.name.clone(),
                f.ty.to_string(),
                req,
                f.pii.clone().unwrap_or_else(|| "-".into()),
                f.purpose.show(""),
            ]
        })
        .collect()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

fn kind_json(k: &Kind) -> serde_json::Value {
    serde_json::json!({
        "kind": k.name, "title": k.title, "prefix": k.prefix,
        "lifecycle": if k.is_contract() { "contract" } else { "register" },
        "create_roles": k.create_roles,
        "fields": k.fields.iter().map(|f| serde_json::json!({
            "name": f.name, "type": f.ty.to_string(), "required": f.required,
            "required_when": f.required_when.as_ref().map(|e| e.source.clone()),
            "pii": f.pii, "purpose": f.purpose.get(docket::i18n::Lang::En),
        })).collect::<Vec<_>>(),
        "rules": k.rules.iter().map(|r| serde_json::json!({"id": r.id, "check": r.check.source, "message": r.message.get(docket::i18n::Lang::En), "warning": r.warning})).collect::<Vec<_>>(),
        "steps": k.steps.iter().map(|s| serde_json::json!({"role": s.role, "rule": s.rule, "when": s.when.as_ref().map(|e| e.source.clone())})).collect::<Vec<_>>(),
    })
}

#[derive(Args)]
pub struct LogArgs {
    #[command(flatten)]
    pub(super) out: super::FormatArg,
    /// Entries about this record (or actor)
    #[arg(long)]
    record: Option<String>,
    /// Entries by this actor
    #[arg(long = "actor", id = "log_actor", value_name = "ACTOR")]
    by: Option<String>,
    /// Entries of this action (create, approve, reveal, …)
    #[arg(long)]
    action: Option<String>,
    /// Entries on or after this day: YYYY-MM-DD, today, yesterday or Nd (N days ago), in the store's zone
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Entries on or before this day: YYYY-MM-DD, today, yesterday or Nd (N days ago)
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Only the most recent N of the entries that match
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// One entry, by its number in its site's log: N at the first site, SITE:N elsewhere (HZ:3)
    #[arg(long, value_name = "N")]
    entry: Option<String>,
    /// With --entry: write the entry's transaction (DIR/entry) and its signature
    /// (DIR/entry.sig) for `ssh-keygen -Y verify`
    #[arg(long, value_name = "DIR", requires = "entry")]
    export_signed: Option<PathBuf>,
}

pub fn log(g: &Global, a: LogArgs) -> Result<Output> {
    // The log holds no personal data: anyone who may read the folder may read it.
    let session = g.open(true)?;
    let entry = a
        .entry
        .as_deref()
        .map(|text| entry_arg(&session, text))
        .transpose()?;
    if let (Some((log, n)), Some(dir)) = (&entry, &a.export_signed) {
        return export_signed(g, &session, (log, *n), dir);
    }
    let today = session.today();
    let since = day_arg("--since", a.since.as_ref(), today)?.map(|d| d.to_string());
    let before = day_arg("--until", a.until.as_ref(), today)?
        .and_then(|d| d.succ_opt())
        .map(|d| d.to_string());
    let filter = audit_log::LogFilter {
        record: a.record.as_deref(),
        actor: a.by.as_deref(),
        action: a.action.as_deref(),
        since: since.as_deref(),
        before: before.as_deref(),
        limit: a.limit,
    };
    let actors: Vec<&str> = session
        .registry()
        .actors
        .keys()
        .map(String::as_str)
        .collect();
    audit_log::check_filter(&filter, &actors)?;
    let mut entries = audit_log::entries(session.store(), &filter)?;
    if let Some((log, n)) = &entry {
        let site = (!log.first).then_some(log.code.as_str());
        entries.retain(|e| e.site.as_deref() == site && e.entry.seq == *n);
    }
    let header = [
        "seq", "time", "actor", "role", "action", "record", "version", "detail",
    ];
    let mut rows: Vec<Vec<String>> = entries
        .iter()
        .map(|logged| {
            let e = &logged.entry;
            let detail: Vec<String> = e.detail.iter().map(|(k, v)| format!("{k}={v}")).collect();
            // Another site's entries are numbered in its own log: `HZ:3`.
            let seq = match &logged.site {
                Some(site) => format!("{site}:{}", e.seq),
                None => e.seq.to_string(),
            };
            vec![
                seq,
                e.time.clone(),
                e.actor.clone(),
                e.role.clone(),
                e.action.clone(),
                e.record.clone(),
                if e.version == 0 {
                    String::new()
                } else {
                    e.version.to_string()
                },
                detail.join(" "),
            ]
        })
        .collect();
    Ok(match g.format {
        Format::Json | Format::Toml => structured(
            g.format,
            "entries",
            serde_json::to_value(&entries).map_err(|e| Error::Internal(e.to_string()))?,
        ),
        Format::Csv => csv(&header, &rows),
        Format::Table => {
            for r in &mut rows {
                r[3] = super::output::role_title(&r[3]);
                r[4] = super::output::action_title(&r[4]);
            }
            // The days `--since` and `--until` name are the store's: the header says which.
            let time = t!("admin-time-in-zone", zone = session.store().tz.name());
            let mut header: Vec<&str> = header.to_vec();
            header[1] = &time;
            table(&header, &rows)
        }
    })
}

/// `--entry N` (the first site's log) or `--entry SITE:N`: the log and the entry, which
/// this view must have read.
fn entry_arg(
    session: &docket::session::Session,
    text: &str,
) -> Result<(docket::layout::SiteLog, u64)> {
    let heads = session.log_heads();
    let (site, number) = match text.split_once(':') {
        Some((site, n)) => (Some(site), n),
        None => (None, text),
    };
    let at = docket::error::Location::file("--entry");
    let found = heads.iter().find(|(log, _)| match site {
        None => log.first,
        Some(code) => log.code == code,
    });
    let Some((log, head)) = found else {
        let sites: Vec<&str> = heads.iter().map(|(l, _)| l.code.as_str()).collect();
        return Err(docket::error::InputError::new(
            at,
            t!("admin-no-such-site-log", site = site.unwrap_or_default()),
        )
        .hint(t!("admin-sites-are", sites = sites.join(", ")))
        .into());
    };
    let last = head.entries;
    match number.parse::<u64>() {
        Ok(n) if n >= 1 && n <= last => Ok((log.clone(), n)),
        _ => Err(docket::error::InputError::new(
            at,
            t!("admin-no-such-entry", n = number, last = last),
        )
        .hint(t!("admin-entries-are-numbered"))
        .into()),
    }
}

/// Write entry `n`'s transaction and its signature where `ssh-keygen -Y verify` reads them.
fn export_signed(
    g: &Global,
    session: &docket::session::Session,
    (log, n): (&docket::layout::SiteLog, u64),
    dir: &std::path::Path,
) -> Result<Output> {
    let txn = docket::audit::chain::transaction_of(&session.store().root, &log.root, n)?
        .ok_or_else(|| {
            Error::from(docket::error::InputError::new(
                docket::error::Location::file("--entry"),
                t!("admin-log-has-entries-not", entries = n - 1, n = n),
            ))
        })?;
    let sig = docket::keys::decode_sig(&txn.sig)
        .ok_or_else(|| Error::integrity(log.root.open(), t!("trust-transaction-not-signed")))?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let entry = dir.join("entry");
    std::fs::write(&entry, &txn.message).map_err(|e| Error::io(&entry, e))?;
    let sig_file = dir.join("entry.sig");
    std::fs::write(&sig_file, docket::keys::armored(&sig)).map_err(|e| Error::io(&sig_file, e))?;
    let span = if txn.first == txn.last {
        t!("admin-entry", n = txn.first)
    } else {
        t!(
            "admin-entries-one-transaction-signed",
            first = txn.first,
            last = txn.last
        )
    };
    g.note(&format!(
        "{}\n  docket actor allowed-signers > allowed_signers\n  ssh-keygen -Y verify -f allowed_signers -I {} -n docket -s {} < {}",
        t!(
            "admin-wrote-signed-entry",
            span = span,
            actor = txn.actor,
            dir = dir.display()
        ),
        txn.actor,
        sig_file.display(),
        entry.display()
    ));
    Ok(String::new())
}

#[derive(Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub(super) out: super::FormatArg,
    /// Check only the audit log's hash chain (fast: for hooks); files are not read
    #[arg(long)]
    chain: bool,
    /// Also check the log along git's history: the log committed in this revision, and in
    /// every commit since, is a prefix of today's; a log cut or rewritten in any of them is
    /// refused
    #[arg(long, value_name = "REV", conflicts_with = "chain")]
    against: Option<String>,
    /// Check the store as staged in git's index (what the next commit holds) instead of the
    /// folder, and that its log extends HEAD's: what the pre-commit hook runs
    #[arg(long, conflicts_with = "chain")]
    staged: bool,
}

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Show how docket.toml and schemas/ differ from the policy in force
    #[command(after_help = super::examples::POLICY_DIFF)]
    Diff,
    /// Make the edited policy files the rules in force (administrator; signed and logged)
    #[command(after_help = super::examples::POLICY_APPLY)]
    Apply {
        /// Why the rules change (kept in the audit log)
        #[arg(long)]
        reason: String,
    },
    /// Co-sign a policy another administrator proposed, making it the rules in force
    #[command(after_help = super::examples::POLICY_APPROVE)]
    Approve(ProposalArgs),
}

pub fn policy(g: &Global, c: PolicyCommand) -> Result<Output> {
    match c {
        PolicyCommand::Diff => {
            let session = g.open_policy(false)?;
            let (version, files) = docket::ops::policy::diff(&session)?;
            if files.is_empty() {
                g.note(&t!("admin-policy-files-version-rules", version = version));
                return Ok(String::new());
            }
            Ok(files.iter().map(|f| f.diff.clone()).collect())
        }
        PolicyCommand::Apply { reason } => {
            let super::Opened::Write(mut w) = g.open_policy(true)? else {
                return Err(Error::Internal("policy apply opened to read".into()));
            };
            let a = match docket::ops::policy::apply(&mut w, &reason)? {
                docket::ops::policy::Outcome::Applied(a) => a,
                docket::ops::policy::Outcome::Proposed { entry, reasons } => {
                    let proposed = actors::Registered::Proposed { entry, reasons };
                    return Ok(proposal_made(g, proposed, "policy"));
                }
            };
            let names: Vec<&str> = a.changed.iter().map(|d| d.source()).collect();
            g.note(&t!(
                "admin-applied-policy-version",
                version = a.version,
                join = names.join(", ")
            ));
            Ok(String::new())
        }
        PolicyCommand::Approve(p) => {
            let mut w = g.writer()?;
            let version = docket::ops::policy::approve(&mut w, p.entry)?;
            g.note(&t!(
                "admin-cosigned-policy",
                entry = p.entry,
                version = version
            ));
            Ok(String::new())
        }
    }
}

#[derive(Subcommand)]
pub enum HookCommand {
    /// Install a git pre-commit hook that runs `docket verify --staged` (docket must be on PATH)
    #[command(after_help = super::examples::HOOK_INSTALL)]
    Install,
}

pub fn hook(g: &Global, c: HookCommand) -> Result<Output> {
    match c {
        HookCommand::Install => {
            let store = g.store()?;
            let hook = docket::ops::against::install_hook(&store)?;
            g.note(&t!(
                "admin-installed-each-commit-now",
                display = hook.display()
            ));
            if !docket::ops::against::docket_on_path() {
                g.note(&t!("admin-hook-no-docket-on-path"));
            }
            Ok(String::new())
        }
    }
}

pub fn verify(g: &Global, a: VerifyArgs) -> Result<Output> {
    let store: Store = g.store()?;
    let timeout = Duration::from_secs(store.config.policy.lock_timeout_seconds);
    let _lock = StoreLock::acquire(&store.abs(LOCK_NAME), LockMode::Shared, timeout, &|| {})?;
    if a.staged {
        return verify_staged(&store, a.against.as_deref().unwrap_or("HEAD"));
    }
    if a.chain {
        let (head, problems) = checking::verify_chain(&store)?;
        if !problems.is_empty() {
            return Err(Error::Integrity { problems });
        }
        return Ok(format!(
            "{}\n",
            t!(
                "admin-ok-chained",
                entries = head.entries,
                head = &head.hash[..16]
            )
        ));
    }
    // git's history first: a cut or rewrite is named there by its commit, more plainly
    // than by the files it leaves unlogged.
    let along = match &a.against {
        Some(rev) => Some(docket::ops::against::against(&store, rev)?),
        None => None,
    };
    let report = checking::verify(&store)?;
    if !report.problems.is_empty() {
        return Err(Error::Integrity {
            problems: report.problems,
        });
    }
    Ok(verified(g.format, &report, along.as_ref()))
}

/// `verify --staged`: the tree the next commit holds is a store that verifies, and its log
/// extends the one in `rev` along every commit since.
fn verify_staged(store: &Store, rev: &str) -> Result<Output> {
    use docket::ops::staged;
    // What the commit holds: the folder, when its bytes are what is staged (checked
    // against the staged file list), else a copy of the index.
    let staged_files = staged::same_as_folder(store)?;
    let copy_folder;
    let checked = match &staged_files {
        Some(files)
            if !files.iter().any(|f| {
                f == docket::layout::LOG_NAME
                    || docket::layout::LogRoot::first().parse_segment(f).is_some()
            }) =>
        {
            return Err(Error::integrity(
                docket::layout::LOG_NAME,
                t!("staged-log-not-staged"),
            ));
        }
        Some(_) => store.clone(),
        None => {
            copy_folder = staged::checkout(store)?;
            staged::open(&copy_folder)?
        }
    };
    let c = docket::ops::against::against_logs(store, &checked, rev)?;
    let report = match staged_files {
        Some(files) => checking::verify_as_staged(&checked, files)?,
        None => checking::verify_copy(&checked)?,
    };
    if !report.problems.is_empty() {
        return Err(Error::Integrity {
            problems: report.problems,
        });
    }
    Ok(format!(
        "{}\n{}\n",
        t!(
            "admin-ok-staged",
            entries = report.head.entries,
            files = report.files
        ),
        extended(&c)
    ))
}

/// The line saying how the log compares with the one in a git revision.
fn extended(c: &docket::ops::against::Compared) -> String {
    match c.then {
        Some(then) => t!(
            "admin-ok-log-extends",
            rev = c.rev,
            then = then,
            now = c.now
        ),
        None => t!("admin-ok-no-log-yet", rev = c.rev),
    }
}

fn verified(
    format: Format,
    report: &checking::Report,
    along: Option<&docket::ops::against::Compared>,
) -> Output {
    let mut summary = serde_json::json!({
        "ok": true, "entries": report.head.entries, "files": report.files,
        "records": report.records, "head": report.head.hash,
    });
    if let Some(c) = along {
        summary["against"] = serde_json::json!({"rev": c.rev, "entries_there": c.then});
    }
    match format {
        Format::Json | Format::Toml => structured(format, "verify", summary),
        Format::Csv => csv(
            &["ok", "entries", "files", "records", "head"],
            &[vec![
                "true".into(),
                report.head.entries.to_string(),
                report.files.to_string(),
                report.records.to_string(),
                report.head.hash.clone(),
            ]],
        ),
        Format::Table => {
            let mut out = format!(
                "{}\n",
                t!(
                    "admin-ok-verified",
                    entries = report.head.entries,
                    files = report.files,
                    records = report.records,
                    head = &report.head.hash[..16]
                )
            );
            if let Some(c) = along {
                out.push_str(&format!("{}\n", extended(c)));
            }
            out
        }
    }
}

pub fn recover(g: &Global) -> Result<Output> {
    let mut w = g.writer_with(true)?;
    let r = checking::recover(&mut w)?;
    if r.moved.is_empty() && r.torn_bytes == 0 {
        g.note(&t!("admin-nothing-recover-every-file"));
        return Ok(String::new());
    }
    let mut out = String::new();
    for m in &r.moved {
        out.push_str(&format!(
            "{}\n",
            t!("admin-moved", file = m, folder = r.quarantine)
        ));
    }
    if r.torn_bytes > 0 {
        out.push_str(&format!(
            "{}\n",
            t!(
                "admin-moved-torn-tail",
                bytes = r.torn_bytes,
                folder = r.quarantine
            )
        ));
    }
    Ok(out)
}
