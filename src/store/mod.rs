//! The store on disk: finding it like git finds `.git`, its layout, and its lock.

pub mod config;
pub mod ids;
pub mod lock;
pub mod site;
pub mod version;

use crate::error::{Error, IoContext, Result};
use crate::layout::{CONFIG_NAME, LOG_NAME, POLICY_DIR, RECORDS_DIR, SCHEMAS_DIR};
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
        Store::open(&Store::find_root(start)?)
    }

    /// The folder of the store `start` is in.
    pub fn find_root(start: &Path) -> Result<PathBuf> {
        let start = std::fs::canonicalize(start).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::usage(
                t!("store-no-docket-store-here", display = start.display()),
                Some(t!("store-pass-store-dir-set").to_string()),
            ),
            _ => Error::io(start, e),
        })?;
        let mut dir = Some(start.as_path());
        while let Some(d) = dir {
            if d.join(CONFIG_NAME).is_file() {
                return Ok(d.to_path_buf());
            }
            dir = d.parent();
        }
        Err(Error::usage(
            t!(
                "store-no-docket-store-here-2",
                CONFIG_NAME = CONFIG_NAME,
                display = start.display()
            ),
            Some(t!("store-run-inside-store-pass").to_string()),
        ))
    }

    pub fn open(root: &Path) -> Result<Store> {
        Store::read(root).map_err(|e| match e {
            // Settings an applied policy holds always read: a store with a log whose
            // docket.toml does not read has had it changed outside docket.
            Error::Invalid(errors) if root.join(LOG_NAME).exists() => Error::Integrity {
                problems: errors
                    .iter()
                    .map(|e| crate::error::Problem {
                        at: CONFIG_NAME.into(),
                        message: t!("store-cannot-read-so-not", e = e),
                        ..Default::default()
                    })
                    .collect(),
            },
            other => other,
        })
    }

    /// Open with the settings of the newest applied policy copy instead of the live
    /// `docket.toml`: for `policy diff` and `policy apply` when the live file does not
    /// read. The log, checked next, vouches for the copy.
    pub fn open_applied(root: &Path) -> Result<Store> {
        let dir = root.join(RECORDS_DIR).join(POLICY_DIR);
        let newest = std::fs::read_dir(&dir)
            .at(&dir)?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('v'))
            .max()
            .ok_or_else(|| Error::integrity(POLICY_DIR, t!("store-no-applied-policy-kept")))?;
        let text =
            std::fs::read_to_string(dir.join(&newest).join(CONFIG_NAME)).at(dir.join(&newest))?;
        Store::from_text(root, &text)
    }

    fn read(root: &Path) -> Result<Store> {
        let path = root.join(CONFIG_NAME);
        let text = std::fs::read_to_string(&path).at(&path)?;
        Store::from_text(root, &text)
    }

    /// A store whose settings are `text`, checked as every run checks them.
    pub(crate) fn from_text(root: &Path, text: &str) -> Result<Store> {
        let text = text.to_string();
        let config: Config = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| crate::schema::kind::line_at(&text, s.start));
            crate::error::InputError::new(
                crate::error::Location::file(CONFIG_NAME).line(line),
                e.message().trim().to_string(),
            )
            .hint(t!("policy-fix-docket-toml"))
        })?;
        let tz = crate::clock::zone(&config.policy.timezone).map_err(|m| {
            crate::error::InputError::new(
                crate::error::Location::file(CONFIG_NAME)
                    .line(setting_line(&text, "timezone"))
                    .field("policy.timezone"),
                m,
            )
            .hint(t!("store-name-zone-such-asia"))
        })?;
        if let Some(bad) = config
            .departments
            .keys()
            .find(|d| !ids::is_safe_id(d) || d.as_str() == "centre")
        {
            return Err(crate::error::InputError::new(
                crate::error::Location::file(CONFIG_NAME)
                    .line(crate::schema::kind::line_of(
                        &text,
                        &format!("[departments.{bad}]"),
                    ))
                    .field("departments"),
                t!("store-cannot-name-department", bad = bad),
            )
            .hint(t!("store-use-letters-digits-centre"))
            .into());
        }
        if let Some(lang) = &config.ui.language
            && crate::i18n::Lang::from_tag(lang).is_none()
        {
            return Err(crate::error::InputError::new(
                crate::error::Location::file(CONFIG_NAME)
                    .line(setting_line(&text, "language"))
                    .field("ui.language"),
                t!("store-docket-does-not-speak", lang = lang),
            )
            .hint(t!("store-use-en-zh-cn"))
            .into());
        }
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

/// The line that sets `key` (`key = …`), never a comment that mentions it.
fn setting_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}
