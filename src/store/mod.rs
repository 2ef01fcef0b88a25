//! The store on disk: finding it like git finds `.git`, its layout, and its lock.

pub mod config;
pub mod ids;
pub mod lock;
pub mod version;

use crate::error::{Error, IoContext, Result};
use crate::layout::{CONFIG_NAME, LOG_NAME, SCHEMAS_DIR};
use config::Config;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
    pub config: Config,
    /// `policy.timezone`, parsed.
    pub tz: chrono_tz::Tz,
}

impl Store {
    /// The nearest folder at or above `start` holding a `docket.toml`.
    pub fn find(start: &Path) -> Result<Store> {
        let start = std::fs::canonicalize(start).at(start)?;
        let mut dir = Some(start.as_path());
        while let Some(d) = dir {
            if d.join(CONFIG_NAME).is_file() {
                return Store::open(d);
            }
            dir = d.parent();
        }
        Err(Error::usage(
            format!("no docket store here: no {CONFIG_NAME} in {} or any folder above it", start.display()),
            Some("run inside a store, pass --store DIR (or set DOCKET_STORE), or create one with `docket init DIR --admin NAME`".to_string()),
        ))
    }

    pub fn open(root: &Path) -> Result<Store> {
        let path = root.join(CONFIG_NAME);
        let text = std::fs::read_to_string(&path).at(&path)?;
        let config: Config = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| crate::schema::kind::line_at(&text, s.start));
            crate::error::InputError::new(
                crate::error::Location::file(CONFIG_NAME).line(line),
                e.message().trim().to_string(),
            )
            .hint("fix docket.toml")
        })?;
        let tz = crate::clock::zone(&config.policy.timezone).map_err(|m| {
            crate::error::InputError::new(
                crate::error::Location::file(CONFIG_NAME)
                    .line(crate::schema::kind::line_of(&text, "timezone"))
                    .field("policy.timezone"),
                m,
            )
            .hint("name a zone such as Asia/Shanghai")
        })?;
        Ok(Store {
            root: root.to_path_buf(),
            config,
            tz,
        })
    }

    /// Absolute path of a store-relative path (always `/`-separated).
    pub fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn log_path(&self) -> PathBuf {
        self.abs(LOG_NAME)
    }

    pub fn schemas_dir(&self) -> PathBuf {
        self.root.join(SCHEMAS_DIR)
    }
}
