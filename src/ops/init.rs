//! `docket init`: a new store from the embedded gas-utility template, with a genesis entry
//! and its first administrator.

use crate::audit::Head;
use crate::audit::entry::{Entry, GENESIS_PREV};
use crate::error::{Error, IoContext, Result};
use crate::journal::Transaction;
use crate::layout::{CONFIG_NAME, actor_path, sha256_hex};
use crate::policy::actors::Actor;
use crate::schema::TEMPLATE;
use crate::store::Store;
use crate::store::config::{Config, PolicySettings, StoreInfo};
use crate::store::ids::is_safe_id;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use std::collections::BTreeMap;
use std::path::Path;

pub struct InitSpec<'a> {
    pub dir: &'a Path,
    pub admin: &'a str,
    pub name: Option<&'a str>,
    pub site_code: &'a str,
    pub agreement_signed: Option<NaiveDate>,
    pub trained_on: Option<NaiveDate>,
    pub now: DateTime<Utc>,
}

const GITIGNORE: &str = "records/.cache/\nrecords/.lock\n";

pub fn init(spec: &InitSpec) -> Result<Store> {
    if !is_safe_id(spec.admin) {
        return Err(Error::usage(
            format!("`{}` is not a usable actor name", spec.admin),
            Some("use letters, digits, `.`, `_` and `-`".to_string()),
        ));
    }
    let dir = spec.dir;
    if dir.join(CONFIG_NAME).exists() {
        return Err(Error::conflict(
            format!("{} is already a docket store", dir.display()),
            None,
        ));
    }
    if dir.join("records").exists() {
        return Err(Error::conflict(
            format!(
                "{} already has a records/ folder; init wants a fresh place",
                dir.display()
            ),
            None,
        ));
    }
    std::fs::create_dir_all(dir.join("schemas")).at(dir)?;
    std::fs::create_dir_all(dir.join("records")).at(dir)?;
    let time = spec.now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let abs = std::fs::canonicalize(dir).at(dir)?;
    let id = sha256_hex(format!("{}|{time}|{}", abs.display(), std::process::id()).as_bytes())
        [..16]
        .to_string();
    let name = spec.name.map(str::to_string).unwrap_or_else(|| {
        abs.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "docket".into())
    });
    let config = Config {
        store: StoreInfo {
            id: id.clone(),
            name,
            site_code: spec.site_code.to_string(),
        },
        policy: PolicySettings::default(),
    };
    let config_text = format!(
        "# docket store settings. The policy numbers below are part of the rules (R-A8, R-C15).\n{}",
        toml::to_string(&config).expect("config serializes")
    );
    std::fs::write(dir.join(CONFIG_NAME), config_text).at(dir.join(CONFIG_NAME))?;
    for (file, text) in TEMPLATE {
        std::fs::write(dir.join("schemas").join(file), text).at(dir.join("schemas").join(file))?;
    }
    if !dir.join(".gitignore").exists() {
        std::fs::write(dir.join(".gitignore"), GITIGNORE).at(dir.join(".gitignore"))?;
    }

    let today = spec.now.date_naive();
    let admin = Actor {
        name: spec.admin.to_string(),
        version: 1,
        role: "admin".into(),
        agreement_signed: Some(spec.agreement_signed.unwrap_or(today)),
        trained_on: Some(spec.trained_on.unwrap_or(today)),
        revoked: false,
        revoked_reason: None,
        written_at: time.clone(),
        written_by: spec.admin.to_string(),
    };
    let mut tx = Transaction::new();
    let file = tx.write(
        dir,
        &actor_path(spec.admin, 1),
        admin.to_toml().into_bytes(),
    )?;
    let entry =
        |action: &str, record: &str, version: u32, files, detail: BTreeMap<String, String>| Entry {
            seq: 0,
            time: time.clone(),
            actor: spec.admin.to_string(),
            role: "admin".into(),
            action: action.into(),
            record: record.into(),
            version,
            files,
            detail,
        };
    let mut genesis = BTreeMap::new();
    genesis.insert("store".into(), id);
    tx.log(entry("genesis", "", 0, Vec::new(), genesis));
    let mut detail = BTreeMap::new();
    detail.insert("role".into(), "admin".into());
    tx.log(entry("actor-add", spec.admin, 1, vec![file], detail));
    let head = Head {
        entries: 0,
        hash: GENESIS_PREV.into(),
        len: 0,
    };
    tx.commit(dir, &dir.join(crate::layout::LOG_NAME), &head)?;
    Store::open(dir)
}
