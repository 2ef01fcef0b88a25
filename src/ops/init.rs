//! `docket init`: a new store from the embedded gas-utility template, with a genesis entry
//! and its first administrator, signed with the administrator's key like any other act.

use crate::audit::act::{Act, ActorTerms};
use crate::clock;
use crate::error::{Error, IoContext, Result};
use crate::journal::Transaction;
use crate::keys::{Key, KeySource, Signer};
use crate::layout::{CONFIG_NAME, RECORDS_DIR, SCHEMAS_DIR, actor_path, hex, policy_copy};
use crate::policy::actors::Actor;
use crate::schema::TEMPLATE;
use crate::session::Writer;
use crate::store::Store;
use crate::store::config::{Config, PolicySettings, StoreInfo};
use crate::store::ids::is_actor_name;
use crate::store::site::{SITE_FILE, bad_code, is_site_code};
use chrono::NaiveDate;
use ssh_key::rand_core::{OsRng, RngCore};
use std::path::{Path, PathBuf};

pub struct InitSpec<'a> {
    pub dir: &'a Path,
    pub admin: &'a str,
    pub key: Key,
    pub keys: KeySource,
    pub name: Option<&'a str>,
    pub site_code: &'a str,
    pub agreement_signed: Option<NaiveDate>,
    pub trained_on: Option<NaiveDate>,
}

/// What git should never carry: caches, the lock, and which site this clone writes as.
const GITIGNORE: [&str; 3] = ["records/.cache/", "records/.lock", SITE_FILE];

/// What `init` created, removed again if it fails.
#[derive(Default)]
struct Made {
    paths: Vec<PathBuf>,
    done: bool,
}

impl Made {
    fn file(&mut self, path: PathBuf, text: &str) -> Result<()> {
        std::fs::write(&path, text).at(&path)?;
        self.paths.push(path);
        Ok(())
    }
    fn dir(&mut self, path: PathBuf) -> Result<()> {
        std::fs::create_dir(&path).at(&path)?;
        self.paths.push(path);
        Ok(())
    }
}

impl Drop for Made {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        for p in self.paths.iter().rev() {
            if p.is_dir() {
                let _ = std::fs::remove_dir_all(p);
            } else {
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

fn check_place(spec: &InitSpec) -> Result<()> {
    if !is_site_code(spec.site_code) {
        return Err(bad_code(spec.site_code));
    }
    if !is_actor_name(spec.admin) {
        return Err(Error::usage(
            t!("init-not-usable-actor-name", admin = spec.admin),
            Some(t!("actors-use-letters-one-script").to_string()),
        ));
    }
    let dir = spec.dir;
    if dir.join(CONFIG_NAME).exists() {
        return Err(Error::conflict(
            t!("init-already-docket-store", display = dir.display()),
            Some(t!("init-use-init-another-folder").to_string()),
        ));
    }
    if dir.join(RECORDS_DIR).exists() || dir.join(SCHEMAS_DIR).exists() {
        return Err(Error::conflict(
            t!("init-already-has-records-schemas", display = dir.display()),
            Some(t!("init-init-empty-folder-move").to_string()),
        ));
    }
    Ok(())
}

/// The settings and the template, written into `dir`.
fn lay_out(spec: &InitSpec, made: &mut Made) -> Result<Store> {
    let dir = spec.dir;
    if !dir.exists() {
        std::fs::create_dir_all(dir).at(dir)?;
        made.paths.push(dir.to_path_buf());
    }
    let abs = std::fs::canonicalize(dir).at(dir)?;
    let mut id = [0u8; 8];
    OsRng.fill_bytes(&mut id);
    let name = spec.name.map(str::to_string).unwrap_or_else(|| {
        abs.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "docket".into())
    });
    let config = Config {
        store: StoreInfo {
            id: hex(&id),
            name,
            site_code: spec.site_code.to_string(),
        },
        policy: PolicySettings::default(),
        departments: Default::default(),
        ui: Default::default(),
    };
    let config_text = format!(
        "# docket store settings. The policy numbers below are part of the rules (R-A8, R-C15).\n{}{DEPARTMENTS_EXAMPLE}",
        toml::to_string(&config)
            .expect("config serializes")
            .replacen("\nplaceholders = ", PLACEHOLDERS_NOTE, 1)
    );
    made.file(abs.join(CONFIG_NAME), &config_text)?;
    made.dir(abs.join(SCHEMAS_DIR))?;
    for (file, text) in TEMPLATE {
        made.file(abs.join(SCHEMAS_DIR).join(file), text)?;
    }
    made.dir(abs.join(RECORDS_DIR))?;
    crate::store::site::write(&abs, spec.site_code)?;
    made.paths.push(abs.join(SITE_FILE));
    Store::open(&abs)
}

/// What the placeholders are for, said above them in every new `docket.toml`.
const PLACEHOLDERS_NOTE: &str = "
# Words that stand in for a value without being one: they do not fill a required field
# and are no reason, comment or purpose. Compared ignoring case, width and punctuation.
placeholders = ";

/// How a store declares its departments, shown in every new `docket.toml`.
const DEPARTMENTS_EXAMPLE: &str = "
# Two-level management (R-B2): the centre, and departments or offices with a responsible
# person each. Actors belong to one (`actor add --department NAME`) or to the centre.
# [departments.hangzhou]
# title = \"杭州营业厅 Hangzhou office\"

# The language everyone using this store reads, unless their locale or --lang says
# otherwise: en or zh-CN.
# [ui]
# language = \"zh-CN\"
";

pub fn init(spec: InitSpec) -> Result<Store> {
    check_place(&spec)?;
    // The key first: without it nothing can be signed, so nothing is created.
    let signer = Signer::find(spec.admin, &spec.key, &spec.keys)?;
    let mut made = Made::default();
    let store = lay_out(&spec, &mut made)?;
    let today = clock::now(store.tz)?.date_naive();
    let admin = Actor {
        name: spec.admin.to_string(),
        version: 1,
        role: "admin".into(),
        department: None,
        key: spec.key.line(),
        agreement_signed: Some(spec.agreement_signed.unwrap_or(today)),
        trained_on: Some(spec.trained_on.unwrap_or(today)),
        revoked: false,
        revoked_reason: None,
        written_at: clock::stamp(&clock::now(store.tz)?),
        written_by: spec.admin.to_string(),
    };
    let mut writer = Writer::create(store.clone(), admin.clone(), signer)?;
    let mut txn = Transaction::begin(&mut writer);
    txn.act(
        &Act::Genesis {
            store: store.config.store.id.clone(),
        },
        Vec::new(),
    );
    let mut copies = Vec::new();
    for (source, bytes) in crate::policy::applied::live_files(&store)? {
        copies.push(txn.write(&policy_copy(1, &source), &bytes)?);
    }
    let policy = Act::Policy {
        version: 1,
        reason: "the policy the store was made with".into(),
        changed: Vec::new(),
        proposal: None,
    };
    txn.act(&policy, copies);
    let file = txn.write(&actor_path(spec.admin, 1), admin.to_toml().as_bytes())?;
    let add = Act::ActorAdd {
        name: spec.admin.to_string(),
        version: 1,
        terms: ActorTerms {
            role: Some("admin".into()),
            department: None,
            key: Some(spec.key.line()),
            agreement_signed: admin.agreement_signed,
            trained_on: admin.trained_on,
        },
        proposal: None,
    };
    txn.act(&add, vec![file]);
    txn.commit()?;
    made.done = true;
    ignore_local_files(&store.root)?;
    Ok(store)
}

/// Add to the folder's `.gitignore` the lines of `GITIGNORE` it lacks, keeping the rest.
fn ignore_local_files(root: &Path) -> Result<()> {
    let path = root.join(".gitignore");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(path, e)),
    };
    let missing: Vec<&str> = GITIGNORE
        .iter()
        .copied()
        .filter(|want| !text.lines().any(|l| l.trim() == *want))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sep = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    let added = format!("{text}{sep}{}\n", missing.join("\n"));
    std::fs::write(&path, added).at(&path)
}
