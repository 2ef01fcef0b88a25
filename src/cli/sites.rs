//! `site`: which office this clone writes as, and making a clone one.

use super::{Global, Output};
use clap::{Args, Subcommand};
use docket::error::{Error, Result};
use docket::ops::site;
use docket::t;

#[derive(Subcommand)]
pub enum SiteCommand {
    /// Which site this clone writes as, and the store's sites
    #[command(after_help = super::examples::SITE_SHOW)]
    Show,
    /// Make this clone a site, so it may write
    #[command(after_help = super::examples::SITE_INIT)]
    Init(SiteInitArgs),
}

#[derive(Args)]
pub struct SiteInitArgs {
    /// The site's code: an upper-case letter, then one to seven letters or digits
    code: String,
    /// Write as a site the store already has: this clone replaces the one that wrote as it
    #[arg(long)]
    take_over: bool,
}

pub fn site(g: &Global, c: SiteCommand) -> Result<Output> {
    let store = g.store()?;
    match c {
        SiteCommand::Show => {
            let view = site::show(&store)?;
            let mut out = match &view.this_clone {
                Some(code) => t!("site-show-this-clone", code = code),
                None => t!("site-show-no-site"),
            };
            out.push('\n');
            out.push_str(&t!("site-show-sites", sites = view.sites.join(", ")));
            out.push('\n');
            Ok(out)
        }
        SiteCommand::Init(a) => {
            let on_wait = g.waiting();
            let opts = g.options(&on_wait, false);
            match site::init(store, opts, &a.code, a.take_over)? {
                site::Became::Opened => g.note(&t!("site-init-opened", code = a.code)),
                site::Became::TookOver | site::Became::Already => {
                    g.note(&t!("site-init-done", code = a.code))
                }
            }
            Ok(String::new())
        }
    }
}

#[derive(Args)]
pub struct ResolveArgs {
    /// The record in conflict (any case), e.g. CUS-2026-000001
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::ids))]
    id: String,
    /// The site whose version's terms the record keeps, e.g. HZ (`docket show` lists them)
    #[arg(long, value_name = "SITE")]
    keep: String,
    /// Why these terms stand (kept in the version and the audit log)
    #[arg(long)]
    reason: String,
    /// Keep them even though another record holds their identity number (logged)
    #[arg(long)]
    allow_duplicate: bool,
}

pub fn resolve(g: &Global, a: ResolveArgs) -> Result<Output> {
    if a.reason.trim().is_empty() {
        return Err(Error::usage(
            t!("records-reason-must-say-why"),
            Some(t!("admin-say-why-few-words").to_string()),
        ));
    }
    let mut session = g.writer()?;
    let id = session.canonical_id(&a.id);
    let w = docket::ops::write::resolve(&mut session, &id, &a.keep, &a.reason, a.allow_duplicate)?;
    g.note(&t!(
        "resolve-done",
        id = w.id,
        version = w.version,
        site = a.keep,
        status = w.status
    ));
    Ok(String::new())
}
