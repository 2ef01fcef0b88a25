//! `docket site`: which site (office) this clone writes as, and making a clone one.

use crate::error::{Error, Result};
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
    Ok(SiteView {
        this_clone: site::of_clone(&store.root)?,
        sites: vec![store.config.store.site_code.clone()],
    })
}

/// Make this clone site `code`. A site already in the store is taken over only when the
/// user says so (`take_over`): two clones writing as one site fork its log.
pub fn init(store: &Store, code: &str, take_over: bool) -> Result<()> {
    if !is_site_code(code) {
        return Err(bad_code(code));
    }
    match site::of_clone(&store.root)? {
        Some(now) if now == code => return Ok(()),
        Some(now) => {
            return Err(Error::conflict(
                t!("site-clone-is-another", now = now, code = code),
                Some(t!("site-clone-is-another-hint", file = SITE_FILE).to_string()),
            ));
        }
        None => {}
    }
    let first = &store.config.store.site_code;
    if code != first {
        return Err(Error::conflict(
            t!("site-unknown", code = code, file = SITE_FILE),
            Some(t!("site-unknown-hint", first = first).to_string()),
        ));
    }
    if !take_over {
        return Err(Error::conflict(
            t!("site-exists-take-over", code = code),
            Some(t!("site-exists-take-over-hint", code = code).to_string()),
        ));
    }
    site::write(&store.root, code)
}
