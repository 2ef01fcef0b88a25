//! Reading the audit log with filters (`docket log`). Entries hold no personal data, so
//! they are shown as they are.

use crate::audit::Entry;
use crate::audit::chain::{Plan, Seen, Visit, walk_fresh};
use crate::error::Result;
use crate::store::Store;

/// Every act an entry can record.
pub const ACTIONS: [&str; 24] = [
    "genesis",
    "site-open",
    "policy",
    "actor-add",
    "actor-update",
    "actor-revoke",
    "create",
    "amend",
    "approve",
    "reject",
    "complete",
    "terminate",
    "withdraw",
    "archive",
    "resolve",
    "attachment-get",
    "reveal",
    "lookup",
    "import",
    "import-batch",
    "recover",
    "policy-propose",
    "actor-propose",
    "probe",
];

/// An action or actor that no entry could name is a typo: exit 5 with the closest name.
pub fn check_filter(filter: &LogFilter, actors: &[&str]) -> crate::error::Result<()> {
    use crate::error::{InputError, Location};
    if let Some(a) = filter.action
        && !ACTIONS.contains(&a)
    {
        return Err(
            InputError::new(Location::file("--action"), t!("log-no-action", a = a))
                .hint(crate::text::suggest(a, &t!("text-actions"), &ACTIONS))
                .into(),
        );
    }
    if let Some(a) = filter.actor
        && !actors.contains(&a)
    {
        return Err(InputError::new(
            Location::file("--actor"),
            t!("log-no-actor-register", a = a),
        )
        .hint(crate::text::suggest(a, &t!("text-actors"), actors))
        .into());
    }
    Ok(())
}

#[derive(Default)]
pub struct LogFilter<'a> {
    pub record: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub action: Option<&'a str>,
    /// Entries at or after this date (YYYY-MM-DD).
    pub since: Option<&'a str>,
    /// Entries before this date (YYYY-MM-DD): the day after the last one wanted.
    pub before: Option<&'a str>,
    /// Only the most recent this many of the entries that match.
    pub limit: Option<usize>,
}

/// An entry as `docket log` reads it: with its site, when it is not the first site's.
#[derive(serde::Serialize)]
pub struct Logged {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(flatten)]
    pub entry: Entry,
}

/// The entries `filter` keeps: of the one log, or of every site's log in merged order.
pub fn entries(store: &Store, filter: &LogFilter) -> Result<Vec<Logged>> {
    let keep = |e: &Entry| {
        filter.record.is_none_or(|r| names_record(e, r))
            && filter.actor.is_none_or(|a| e.actor == a)
            && filter.action.is_none_or(|a| e.action == a)
            && filter.since.is_none_or(|s| e.time.as_str() >= s)
            && filter.before.is_none_or(|b| e.time.as_str() < b)
    };
    let mut kept = kept_by(store, &keep)?;
    if let Some(n) = filter.limit {
        kept.drain(..kept.len().saturating_sub(n));
    }
    Ok(kept)
}

/// The entries that act on, read or found any of `ids`, in the log's order.
pub fn entries_about(
    store: &Store,
    ids: &std::collections::BTreeSet<String>,
) -> Result<Vec<Logged>> {
    kept_by(store, &|e: &Entry| ids.iter().any(|id| names_record(e, id)))
}

/// The details of an entry that list records: read (`records`), matched by a filter on
/// personal fields (`matched`), found by a look-up (`found`).
pub const RECORD_LISTS: [&str; 3] = ["records", "matched", "found"];

/// Whether entry `e` is about record `id`: its record, or one of the records it lists.
fn names_record(e: &Entry, id: &str) -> bool {
    e.record == id
        || RECORD_LISTS.iter().any(|key| {
            e.detail
                .get(*key)
                .is_some_and(|l| l.split(',').any(|x| x == id))
        })
}

/// Every entry `keep` keeps, walking every log.
fn kept_by(store: &Store, keep: &dyn Fn(&Entry) -> bool) -> Result<Vec<Logged>> {
    struct Keep<F> {
        kept: Vec<Logged>,
        keep: F,
        site: Option<String>,
    }
    impl<F: Fn(&Entry) -> bool> Visit for Keep<F> {
        fn enter_log(&mut self, log: &crate::layout::SiteLog) {
            self.site = (!log.first).then(|| log.code.clone());
        }
        fn entry(&mut self, seen: &Seen) -> Result<()> {
            if (self.keep)(seen.entry) {
                self.kept.push(Logged {
                    site: self.site.clone(),
                    entry: seen.entry.clone(),
                });
            }
            Ok(())
        }
    }
    let fresh = || Keep {
        kept: Vec::new(),
        keep,
        site: None,
    };
    let logs = crate::store::site::logs(&store.root, &store.config.store.site_code)?;
    let (state, problems) = match logs.len() {
        1 => {
            let w = walk_fresh(&store.root, &logs[0].root, Plan::default(), fresh)?;
            (w.state, w.problems)
        }
        _ => {
            let w = crate::audit::merge::walk_sites(&store.root, &logs, &|_| None, false, fresh())?;
            (w.state, w.problems)
        }
    };
    if !problems.is_empty() {
        return Err(crate::error::Error::Integrity { problems });
    }
    Ok(state.kept)
}
