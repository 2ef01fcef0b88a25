//! docket: a company's user-information policy made executable over plain files —
//! schema-defined records as versioned TOML, approvals, archiving, purposeful reveal of
//! personal data, and a hash-chained audit log checked on every run.

// First, so every module below can say `t!(…)`.
#[macro_use]
pub mod i18n;
pub mod agent;
pub mod audit;
pub mod bloom;
pub mod cache;
pub mod clock;
pub mod error;
pub mod escape;
pub mod fault;
pub mod io;
pub mod journal;
pub mod judge;
pub mod keys;
pub mod layout;
pub mod ops;
pub mod policy;
pub mod reader;
pub mod replay;
pub mod schema;
pub mod session;
pub mod store;
pub mod text;
pub mod witness;

pub use error::{Error, Result};
