//! Completions that know the store: a shell completing `docket show ` is offered the
//! store's record ids, `--as` its actors, `--role` its roles, a kind argument its kinds.
//! They are read from the names of the store's files and folders — never a field value —
//! so completing shows nothing a listing of the folder would not.

use clap_complete::engine::CompletionCandidate;
use std::path::{Path, PathBuf};

/// The store completions read: `DOCKET_STORE`, else the nearest folder at or above here
/// with a `docket.toml`. (`--store` on the line being completed is not seen.)
fn store_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKET_STORE").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    docket::store::Store::find_root(&std::env::current_dir().ok()?).ok()
}

/// The names of the folders or files in `dir`, sorted, hidden ones left out.
fn names_in(dir: &Path, files: bool) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() == files))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

fn candidates(names: impl IntoIterator<Item = String>) -> Vec<CompletionCandidate> {
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// The store's record kinds: `schemas/KIND.toml`, roles and tariffs aside.
pub fn kinds() -> Vec<CompletionCandidate> {
    let Some(root) = store_root() else {
        return Vec::new();
    };
    candidates(
        names_in(&root.join("schemas"), true)
            .into_iter()
            .filter_map(|f| f.strip_suffix(".toml").map(str::to_string))
            .filter(|k| k != "roles" && k != "tariffs"),
    )
}

/// The store's record ids: `records/KIND/YEAR/THOUSANDS/ID.vNNNN.toml`, or the folders
/// `records/KIND/YEAR/THOUSANDS/ID/` and `records/KIND/ID/` in stores made before.
pub fn ids() -> Vec<CompletionCandidate> {
    let Some(root) = store_root() else {
        return Vec::new();
    };
    let records = root.join("records");
    let is_year = |n: &str| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit());
    let in_kind = |kind: std::path::PathBuf| -> Vec<String> {
        let mut ids = Vec::new();
        for name in names_in(&kind, false) {
            if !is_year(&name) {
                ids.push(name);
                continue;
            }
            for thousands in names_in(&kind.join(&name), false) {
                let shard = kind.join(&name).join(thousands);
                // `ID.v0001.toml`, and `ID/` in stores made before records were files.
                let files = names_in(&shard, true).into_iter();
                ids.extend(files.filter_map(|f| Some(f.split_once('.')?.0.to_string())));
                ids.extend(names_in(&shard, false));
            }
        }
        ids.sort();
        ids.dedup();
        ids
    };
    candidates(
        names_in(&records, false)
            .into_iter()
            .filter(|k| !k.starts_with('_'))
            .flat_map(|kind| in_kind(records.join(kind))),
    )
}

/// The store's customers' ids, for `query --customer`.
pub fn customers() -> Vec<CompletionCandidate> {
    ids()
        .into_iter()
        .filter(|c| c.get_value().to_string_lossy().starts_with("CUS-"))
        .collect()
}

/// The roles `schemas/roles.toml` declares.
pub fn roles() -> Vec<CompletionCandidate> {
    let Some(root) = store_root() else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(root.join("schemas/roles.toml")).unwrap_or_default();
    let table: toml::Table = toml::from_str(&text).unwrap_or_default();
    let roles = table.get("roles").and_then(|r| r.as_table());
    candidates(roles.into_iter().flat_map(|r| r.keys().cloned()))
}

/// The actors of the staff register: `records/_actors/NAME/`.
pub fn actors() -> Vec<CompletionCandidate> {
    let Some(root) = store_root() else {
        return Vec::new();
    };
    candidates(names_in(&root.join("records/_actors"), false))
}
