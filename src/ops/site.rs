//! `docket site`: which site (office) this clone writes as, and making a clone one: a
//! new site, whose log opens with a signed `site-open` act, or one the store has.

use crate::audit::act::Act;
use crate::error::{Error, Result};
use crate::journal::Transaction;
use crate::session::{Options, Writer};
use crate::store::Store;
use crate::store::site::{self, SITE_FILE, bad_code, is_site_code};

/// What `site show` tells.
pub struct SiteView {
    /// The site this clone writes as; none: it only reads.
    pub this_clone: Option<String>,
    /// The store's sites, the first (made by `init`) first.
    pub sites: Vec<String>,
}

pub fn show(store: &Store) -> Result<SiteView> {
    let logs = site::logs(&store.root, &store.config.store.site_code)?;
    Ok(SiteView {
        this_clone: site::of_clone(&store.root)?,
        sites: logs.into_iter().map(|l| l.code).collect(),
    })
}

/// How `site init` went.
pub enum Became {
    /// This clone opened a new site's log.
    Opened,
    /// This clone writes as a site the store had.
    TookOver,
    /// This clone was that site already.
    Already,
}

/// Make this clone site `code`: a new site, its log opened by the acting actor (who
/// manages the staff register), or, when the user says so (`take_over`), a site the
/// store has — two clones writing as one site fork its log.
pub fn init(store: Store, opts: Options, code: &str, take_over: bool) -> Result<Became> {
    let first = store.config.store.site_code.as_str();
    if code != first && !is_site_code(code) {
        return Err(bad_code(code));
    }
    match site::of_clone(&store.root)? {
        Some(now) if now == code => return Ok(Became::Already),
        Some(now) => {
            return Err(Error::conflict(
                t!("site-clone-is-another", now = now, code = code),
                Some(t!("site-clone-is-another-hint", file = SITE_FILE).to_string()),
            ));
        }
        None => {}
    }
    let exists = code == first || site::has_log(&store.root, code);
    match (exists, take_over) {
        (true, false) => Err(Error::conflict(
            t!("site-exists-take-over", code = code),
            Some(t!("site-exists-take-over-hint", code = code).to_string()),
        )),
        (true, true) => {
            site::write(&store.root, code)?;
            Ok(Became::TookOver)
        }
        (false, true) => Err(Error::conflict(
            t!("site-take-over-none", code = code),
            Some(t!("site-take-over-none-hint", code = code).to_string()),
        )),
        (false, false) => open(store, opts, code),
    }
}

/// Open site `code`'s log with a signed `site-open` act, then name this clone that site.
fn open(store: Store, opts: Options, code: &str) -> Result<Became> {
    let root = store.root.clone();
    let mut w = Writer::open_site(store, opts, code)?;
    let actor = w.actor()?.clone();
    if !w.schemas().roles.permits(&actor.role, "act:manage-actors") {
        return Err(Error::denied(
            t!("site-open-not-admin", actor = actor.name, role = actor.role),
            Some(t!("site-open-not-admin-hint").to_string()),
        ));
    }
    let id = w.store().config.store.id.clone();
    let mut txn = Transaction::begin(&mut w);
    txn.act(
        &Act::SiteOpen {
            store: id,
            site: code.to_string(),
        },
        Vec::new(),
    );
    txn.commit()?;
    site::write(&root, code)?;
    Ok(Became::Opened)
}
