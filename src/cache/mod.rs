//! Derived data under `records/.cache/`: the log index as of a checkpoint and the rows
//! a query filters on. Rebuildable, git-ignored, never personal data.

pub mod index;
pub mod rows;

use std::path::Path;

/// Replace a derived file under `records/.cache/` (write a temporary, rename). Best
/// effort: caches are rebuilt when missing, so a failure here only costs speed later.
pub fn replace_file(target: &Path, text: &str) {
    let Some(dir) = target.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, target).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}
