//! The language of a run, chosen before the command line is parsed so that parse errors
//! and `--help` speak it too: `--lang`, else the locale (`LC_ALL`, `LC_MESSAGES`,
//! `LANG`), else the store's `ui.language`, else English.

use docket::i18n::{self, Lang};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub fn choose(args: &[OsString]) -> Lang {
    let flag = |name: &str| -> Option<String> {
        let args: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        args.iter().enumerate().find_map(|(i, a)| {
            a.strip_prefix(&format!("{name}="))
                .map(str::to_string)
                .or_else(|| (a == name).then(|| args.get(i + 1).cloned()).flatten())
        })
    };
    if let Some(lang) = flag("--lang").and_then(|l| Lang::from_tag(&l)) {
        return lang;
    }
    if let Some(lang) = i18n::from_env(&|name| std::env::var(name).ok()) {
        return lang;
    }
    let store = flag("--store")
        .or_else(|| std::env::var("DOCKET_STORE").ok())
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok());
    store
        .and_then(|dir| store_language(&dir))
        .unwrap_or(Lang::En)
}

/// The `ui.language` of the store at or above `dir`, if it names one docket speaks.
fn store_language(dir: &Path) -> Option<Lang> {
    let root = docket::store::Store::find_root(dir).ok()?;
    let text = std::fs::read_to_string(root.join(docket::layout::CONFIG_NAME)).ok()?;
    let config: toml::Table = toml::from_str(&text).ok()?;
    let tag = config.get("ui")?.get("language")?.as_str()?;
    Lang::from_tag(tag)
}
