//! What the next commit will hold: the store as staged in git's index, verified like any
//! store, so the pre-commit hook refuses a commit whose tree is not a consistent store (a
//! logged file left out, an unlogged file staged, the log missing, cut or rewritten).
//! When what is staged is the folder's own bytes (the usual `git add -A`), the folder is
//! checked with the staged file list; a partial commit is copied out of the index to a
//! temporary folder first.

use super::against::{git_command as git, git_missing};
use crate::error::{Error, Result};
use crate::layout::LOG_NAME;
use crate::store::Store;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The staged store, in a folder removed when this is dropped.
pub struct Staged {
    _folder: tempfile::TempDir,
    pub root: PathBuf,
}

fn run(mut cmd: Command, input: Option<&[u8]>) -> Result<Vec<u8>> {
    let failed = git_missing;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(failed)?;
    if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(bytes).map_err(failed)?;
    }
    let out = child.wait_with_output().map_err(failed)?;
    if !out.status.success() {
        return Err(Error::usage(
            format!("git: {}", String::from_utf8_lossy(&out.stderr).trim()),
            Some(t!("against-run-store-kept-git")),
        ));
    }
    Ok(out.stdout)
}

/// The store's files as git's index holds them, relative to the store, when every one
/// of them is byte for byte the folder's (nothing staged differs from the folder): then
/// the folder itself is what the commit holds, bar what is not staged. `None` when part
/// of the store is staged differently from the folder (a partial commit).
pub fn same_as_folder(store: &Store) -> Result<Option<Vec<String>>> {
    let mut diff = git(&store.root);
    diff.args(["diff", "--quiet", "--no-ext-diff", "--", "."]);
    let same = diff.status().map_err(git_missing)?.success();
    if !same {
        return Ok(None);
    }
    // `git diff` trusts a path marked assume-unchanged (a lower-case tag) or skip-worktree
    // (`S`) without reading it: such a path may be staged with other bytes than the
    // folder's, so the index is copied out instead.
    let mut list = git(&store.root);
    list.args(["ls-files", "-z", "-v", "--cached", "--", "."]);
    let listed = run(list, None)?;
    let mut files = Vec::new();
    for entry in listed.split(|b| *b == 0).filter(|e| e.len() > 2) {
        let tag = entry[0];
        if tag.is_ascii_lowercase() || tag == b'S' {
            return Ok(None);
        }
        files.push(String::from_utf8_lossy(&entry[2..]).into_owned());
    }
    // The walk reads the folder's log: every file of it must be staged (after a segment is
    // sealed, `git commit -a` would leave the new segment out).
    let staged: std::collections::HashSet<&str> = files.iter().map(String::as_str).collect();
    for log in crate::store::site::logs(&store.root, &store.config.store.site_code)? {
        let open = log.root.open();
        let sealed = crate::audit::segments::sealed(&store.root, &log.root)?;
        let open_unstaged = store.abs(&open).exists() && !staged.contains(open.as_str());
        if open_unstaged || sealed.iter().any(|s| !staged.contains(s.rel.as_str())) {
            return Ok(None);
        }
    }
    Ok(Some(files))
}

/// Copy the store's staged files out of the index into a fresh temporary folder.
pub fn checkout(store: &Store) -> Result<Staged> {
    let folder = tempfile::Builder::new()
        .prefix("docket-staged-")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let mut list = git(&store.root);
    list.args(["ls-files", "-z", "--cached", "--", "."]);
    let files = run(list, None)?;
    let mut copy = git(&store.root);
    let prefix = format!("{}/", folder.path().display());
    copy.args(["checkout-index", "-z", "--stdin", "--prefix", &prefix]);
    run(copy, Some(&files))?;
    let mut top = git(&store.root);
    top.args(["rev-parse", "--show-prefix"]);
    let inside = String::from_utf8_lossy(&run(top, None)?).trim().to_string();
    let root = folder.path().join(inside);
    Ok(Staged {
        _folder: folder,
        root,
    })
}

/// The staged store opened, or the problem that it is not one: no `docket.toml` or no
/// audit log staged.
pub fn open(staged: &Staged) -> Result<Store> {
    if !crate::audit::segments::exists(&staged.root, &crate::layout::LogRoot::first()) {
        return Err(Error::integrity(LOG_NAME, t!("staged-log-not-staged")));
    }
    Store::open(&staged.root)
}
