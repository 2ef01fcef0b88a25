//! Git as a second witness: the log in a git revision must be a prefix of today's, so a
//! log cut or rewritten since that commit is seen by `verify --against REV` and by the
//! pre-commit hook `hook install` puts in place.

use crate::error::{Error, Problem, Result};
use crate::layout::LOG_NAME;
use crate::store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How today's log compares with the one in the revision.
pub struct Compared {
    pub rev: String,
    /// Entries in the revision's log (`None`: the revision has no log yet).
    pub then: Option<usize>,
    pub now: usize,
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| {
            Error::usage(
                t!("against-cannot-run-git", e = e),
                Some(t!("against-install-git-check-log")),
            )
        })
}

fn git_text(root: &Path, args: &[&str]) -> Result<String> {
    let out = git(root, args)?;
    if !out.status.success() {
        return Err(Error::usage(
            format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Some(t!("against-run-store-kept-git")),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The log as committed in `rev`, or `None` when that revision has no log yet.
fn log_at(store: &Store, rev: &str) -> Result<Option<Vec<u8>>> {
    let root = &store.root;
    git_text(root, &["rev-parse", "--show-toplevel"])?;
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )?;
    if !commit.status.success() {
        if rev == "HEAD" {
            return Ok(None); // no commit yet: nothing to extend
        }
        return Err(Error::usage(
            t!("against-not-commit-repository", rev = rev),
            Some(t!("against-name-commit-branch-tag")),
        ));
    }
    let prefix = git_text(root, &["rev-parse", "--show-prefix"])?;
    let shown = git(root, &["show", &format!("{rev}:{prefix}{LOG_NAME}")])?;
    Ok(shown.status.success().then_some(shown.stdout))
}

/// Check that the log in `rev` is a prefix of today's; exit 3 naming the entry if not.
pub fn against(store: &Store, rev: &str) -> Result<Compared> {
    let now = std::fs::read(store.log_path()).map_err(|e| Error::io(store.log_path(), e))?;
    let now_lines = now.split_inclusive(|b| *b == b'\n').count();
    let Some(then) = log_at(store, rev)? else {
        return Ok(Compared {
            rev: rev.to_string(),
            then: None,
            now: now_lines,
        });
    };
    let then_lines: Vec<&[u8]> = then.split_inclusive(|b| *b == b'\n').collect();
    let mut now_iter = now.split_inclusive(|b| *b == b'\n');
    for (i, line) in then_lines.iter().enumerate() {
        let n = i + 1;
        let problem = match now_iter.next() {
            Some(l) if l == *line => continue,
            Some(_) => t!("against-forked-at-entry-log", n = n, rev = rev),
            None => t!(
                "against-truncated-behind-entry-holds",
                len = then_lines.len(),
                rev = rev,
                len2 = then_lines.len(),
                i = i
            ),
        };
        return Err(Error::Integrity {
            problems: vec![Problem {
                at: format!("{LOG_NAME}:{n}"),
                message: problem,
                ..Default::default()
            }],
        });
    }
    Ok(Compared {
        rev: rev.to_string(),
        then: Some(then_lines.len()),
        now: now_lines,
    })
}

/// A path as one shell word.
fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "'\\''"))
}

/// Install a git pre-commit hook that runs `verify --against HEAD` with this binary.
/// Returns the hook's path; refuses to replace a hook that is not docket's.
pub fn install_hook(store: &Store, docket: &Path) -> Result<PathBuf> {
    let root = &store.root;
    let hooks = git_text(root, &["rev-parse", "--git-path", "hooks"])?;
    let hooks = root.join(hooks);
    let hook = hooks.join("pre-commit");
    let command = format!(
        "{} --store {} verify --against HEAD",
        quoted(docket),
        quoted(root)
    );
    let script = format!(
        "#!/bin/sh\n# docket: refuse a commit whose audit log does not extend the last commit's.\nexec {command}\n"
    );
    if let Ok(existing) = std::fs::read_to_string(&hook)
        && !existing.contains("# docket:")
    {
        return Err(Error::conflict(
            t!("against-exists-not-docket-s", display = hook.display()),
            Some(t!("against-add-line", command = command)),
        ));
    }
    std::fs::create_dir_all(&hooks).map_err(|e| Error::io(&hooks, e))?;
    std::fs::write(&hook, script).map_err(|e| Error::io(&hook, e))?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io(&hook, e))?;
    Ok(hook)
}
