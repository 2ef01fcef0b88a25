//! A file docket hands to its user (an export): written whole or not at all, and never
//! over an existing file unless asked to replace it. The bytes go to a temporary file
//! beside the target, made durable, then renamed onto the target in one step; a crash
//! or a full disk leaves the target as it was.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Refuse `path` when something is there and it may not be replaced (exit 6): said
/// before any work, so nothing is revealed or logged for an export that cannot land.
pub fn refuse_existing(path: &Path, replace: bool) -> Result<()> {
    if replace || std::fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    Err(exists(path))
}

fn exists(path: &Path) -> Error {
    Error::conflict(
        t!("output-file-exists", display = path.display()),
        Some(t!("output-file-exists-hint").to_string()),
    )
}

/// Bytes written beside their target and made durable, not yet in its place. Dropped
/// unpublished, the temporary file is removed.
pub struct Staged {
    temporary: PathBuf,
    target: PathBuf,
}

/// Write `bytes` to a temporary file beside `target` and sync it.
pub fn stage(target: &Path, bytes: &[u8]) -> Result<Staged> {
    stage_with(target, &mut |w| {
        w.write_all(bytes).map_err(|e| Error::io(target, e))
    })
}

/// Let `write` write a temporary file beside `target` as it goes, then sync it.
pub fn stage_with(
    target: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
) -> Result<Staged> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder(target).join(format!(".{name}.{}.tmp", std::process::id()));
    let staged = Staged {
        temporary,
        target: target.to_path_buf(),
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&staged.temporary)
        .map_err(|e| Error::io(target, e))?;
    let mut buffered = std::io::BufWriter::new(file);
    write(&mut buffered)?;
    buffered
        .into_inner()
        .map_err(|e| e.into_error())
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(target, e))?;
    crate::fault::point("export-staged");
    Ok(staged)
}

impl Staged {
    /// Put the bytes in place in one step: over what is there if `replace`, else only
    /// where nothing is (checked by the rename itself, so nothing that appeared since
    /// `refuse_existing` is lost).
    pub fn publish(self, replace: bool) -> Result<()> {
        let target = self.target.clone();
        let moved = if replace {
            std::fs::rename(&self.temporary, &target)
        } else {
            rename_no_replace(&self.temporary, &target)
        };
        match moved {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists(&target)),
            Err(e) => return Err(Error::io(&target, e)),
        }
        // The temporary name is gone now: dropping `self` removes nothing.
        std::fs::File::open(folder(&target))
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io(&target, e))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.temporary);
    }
}

/// The folder a path is in (`.` for a bare file name).
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// `renameat2(RENAME_NOREPLACE)`; where the file system does not take the flag (EINVAL),
/// a hard link, which also fails on an existing name; where it has no links either (a
/// FAT-formatted stick), a check just before a plain rename.
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
        other => return other.map_err(Into::into),
    }
    match std::fs::hard_link(from, to) {
        Ok(()) => return std::fs::remove_file(from),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
        Err(_) => {}
    }
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    std::fs::rename(from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_file_lands_whole_and_never_over_another_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        stage(&target, b"one").unwrap().publish(false).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"one");
        assert!(refuse_existing(&target, false).is_err());
        assert!(refuse_existing(&target, true).is_ok());
        let refused = stage(&target, b"two").unwrap().publish(false).unwrap_err();
        assert_eq!(refused.exit_code(), 6);
        assert_eq!(std::fs::read(&target).unwrap(), b"one");
        stage(&target, b"three").unwrap().publish(true).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"three");
        drop(stage(&target, b"four").unwrap());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
