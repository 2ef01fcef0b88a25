//! Git as a second witness: the log in a git revision must be a prefix of today's, so a
//! log cut or rewritten since that commit is seen by `verify --against REV` and by the
//! pre-commit hook `hook install` puts in place.

use crate::audit::segments;
use crate::error::{Error, Problem, Result};
use crate::layout::LogRoot;
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

/// git, run in the store's folder, on the index the caller's git names: a hook runs with
/// `GIT_INDEX_FILE` relative to the top of the work tree, so it is made absolute first.
pub fn git_command(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(root);
    if let Some(index) = std::env::var_os("GIT_INDEX_FILE").map(PathBuf::from)
        && index.is_relative()
        && let Ok(here) = std::env::current_dir()
    {
        cmd.env("GIT_INDEX_FILE", here.join(index));
    }
    cmd
}

/// The error for git that cannot be run at all.
pub fn git_missing(e: std::io::Error) -> Error {
    Error::usage(
        t!("against-cannot-run-git", e = e),
        Some(t!("against-install-git-check-log")),
    )
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    git_command(root).args(args).output().map_err(git_missing)
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

/// The commit `rev` names, in full; `None` for HEAD in a repository with no commit yet.
fn commit_of(root: &Path, rev: &str) -> Result<Option<String>> {
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
    if commit.status.success() {
        return Ok(Some(
            String::from_utf8_lossy(&commit.stdout).trim().to_string(),
        ));
    }
    if rev == "HEAD" {
        return Ok(None); // no commit yet: nothing to extend
    }
    Err(Error::usage(
        t!("against-not-commit-repository", rev = rev),
        Some(t!("against-name-commit-branch-tag")),
    ))
}

/// The log `log` as committed in `commit` (its sealed segments in order, then its open
/// one), or `None` when that commit holds none.
fn log_in(root: &Path, commit: &str, log: &LogRoot) -> Result<Option<Vec<u8>>> {
    let prefix = git_text(root, &["rev-parse", "--show-prefix"])?;
    let listed = git_text(
        root,
        &[
            "ls-tree",
            "-r",
            "--name-only",
            "--full-tree",
            commit,
            "--",
            &format!("{prefix}{}/", log.sealed_dir()),
        ],
    )?;
    let mut sealed: Vec<(u64, &str)> = listed
        .lines()
        .filter_map(|path| {
            Some((
                log.parse_segment(path.strip_prefix(prefix.as_str())?)?,
                path,
            ))
        })
        .collect();
    sealed.sort();
    let mut specs: Vec<String> = sealed
        .iter()
        .map(|(_, path)| format!("{commit}:{path}"))
        .collect();
    specs.push(format!("{commit}:{prefix}{}", log.open()));
    let blobs = cat_files(root, &specs)?;
    if blobs.iter().all(Option::is_none) {
        return Ok(None);
    }
    Ok(Some(blobs.into_iter().flatten().flatten().collect()))
}

/// The contents of each `commit:path` in `specs` (`None` for one git does not have), read
/// by one `git cat-file --batch`.
fn cat_files(root: &Path, specs: &[String]) -> Result<Vec<Option<Vec<u8>>>> {
    use std::io::{BufRead, Read, Write};
    let mut child = git_command(root)
        .args(["cat-file", "--batch"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(git_missing)?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = specs.join("\n") + "\n";
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut out = std::io::BufReader::new(child.stdout.take().expect("piped"));
    let mut blobs = Vec::with_capacity(specs.len());
    for _ in specs {
        let mut header = String::new();
        out.read_line(&mut header).map_err(git_missing)?;
        let size = match header.trim_end().rsplit_once(' ') {
            Some((kind, size)) if kind.ends_with(" blob") => size.parse::<usize>().ok(),
            _ => None,
        };
        let Some(size) = size else {
            blobs.push(None);
            continue;
        };
        let mut blob = vec![0; size + 1]; // and the newline after it
        out.read_exact(&mut blob).map_err(git_missing)?;
        blob.truncate(size);
        blobs.push(Some(blob));
    }
    let _ = feeder.join();
    let _ = child.wait();
    Ok(blobs)
}

/// How many entries `log` holds.
fn entries(log: &[u8]) -> usize {
    log.split_inclusive(|b| *b == b'\n').count()
}

fn integrity(log: &LogRoot, line: usize, message: String) -> Error {
    Error::Integrity {
        problems: vec![Problem {
            at: segments::locate(log, line as u64),
            message,
            ..Default::default()
        }],
    }
}

/// Check that `then` (the log in `rev`) is a prefix of `now`: the entry where they part
/// is named, whether `now` rewrote it or ends before it.
fn extends(then: &[u8], now: &[u8], rev: &str, log: &LogRoot) -> Result<()> {
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
        return Err(integrity(log, n, problem));
    }
    Ok(())
}

/// The commits after `base` up to HEAD, oldest first, each with its parents.
fn commits_since(root: &Path, base: &str) -> Result<Vec<(String, Vec<String>)>> {
    let listed = git_text(
        root,
        &[
            "rev-list",
            "--reverse",
            "--topo-order",
            "--parents",
            &format!("{base}..HEAD"),
        ],
    )?;
    Ok(listed
        .lines()
        .filter_map(|l| {
            let mut ids = l.split_whitespace().map(str::to_string);
            Some((ids.next()?, ids.collect()))
        })
        .collect())
}

/// Check the log along every commit from `base` to HEAD, and on to `now` (the folder's
/// or the staged log): each commit's log is a prefix of `now`, and no commit holds fewer
/// entries than a parent, or none where a parent held some. A log cut in one commit and
/// restored in the next, or dropped from git and added back cut, is named by its commit.
fn grows_along(root: &Path, base: &str, now: &[u8], log: &LogRoot) -> Result<()> {
    let short = |c: &str| c.chars().take(12).collect::<String>();
    let mut held: std::collections::HashMap<String, Option<usize>> = Default::default();
    let mut length = |commit: &str| -> Result<Option<usize>> {
        if let Some(n) = held.get(commit) {
            return Ok(*n);
        }
        let then = log_in(root, commit, log)?;
        if let Some(then) = &then {
            extends(then, now, &short(commit), log)?;
        }
        let n = then.as_deref().map(entries);
        held.insert(commit.to_string(), n);
        Ok(n)
    };
    length(base)?;
    for (commit, parents) in commits_since(root, base)? {
        let mine = length(&commit)?;
        for parent in parents {
            let Some(theirs) = length(&parent)? else {
                continue;
            };
            let message = match mine {
                None => t!(
                    "against-commit-drops-log",
                    commit = short(&commit),
                    parent = short(&parent),
                    n = theirs
                ),
                Some(n) if n < theirs => t!(
                    "against-commit-cuts-log",
                    commit = short(&commit),
                    n = n,
                    parent = short(&parent),
                    theirs = theirs
                ),
                Some(_) => continue,
            };
            return Err(integrity(log, mine.unwrap_or(0) + 1, message));
        }
    }
    Ok(())
}

/// Check that log `log` in `rev`, and in every commit since, is a prefix of `now` (the
/// folder's log, or the staged one); exit 3 naming the entry and commit if not.
pub fn against_log(store: &Store, rev: &str, now: &[u8], log: &LogRoot) -> Result<Compared> {
    let root = &store.root;
    let now_lines = entries(now);
    let Some(commit) = commit_of(root, rev)? else {
        return Ok(Compared {
            rev: rev.to_string(),
            then: None,
            now: now_lines,
        });
    };
    let then = log_in(root, &commit, log)?;
    if let Some(then) = &then {
        extends(then, now, rev, log)?;
    }
    grows_along(root, &commit, now, log)?;
    Ok(Compared {
        rev: rev.to_string(),
        then: then.as_deref().map(entries),
        now: now_lines,
    })
}

/// Check every site's log in `checked` (the store's folder, or a copy of what is staged)
/// against the same log in `rev` and every commit since: those the folder holds, and
/// those the revision holds, so a site's log removed since is named too. The entries
/// compared are counted over every log.
pub fn against_logs(store: &Store, checked: &Store, rev: &str) -> Result<Compared> {
    let first = &store.config.store.site_code;
    let mut logs = crate::store::site::logs(&checked.root, first)?;
    for code in sites_in(&store.root, rev)? {
        if !logs.iter().any(|l| l.code == code) && code != *first {
            logs.push(crate::layout::SiteLog::other(&code));
        }
    }
    let mut total = Compared {
        rev: rev.to_string(),
        then: None,
        now: 0,
    };
    for log in logs {
        let now = match segments::read_all(&checked.root, &log.root) {
            Ok(now) => now,
            Err(_) if !log.first => Vec::new(), // gone since: named as cut below
            Err(e) => return Err(e),
        };
        let c = against_log(store, rev, &now, &log.root)?;
        total.now += c.now;
        if let Some(then) = c.then {
            total.then = Some(total.then.unwrap_or(0) + then);
        }
    }
    Ok(total)
}

/// The codes of the sites whose logs the revision `rev` holds under `records/_sites/`.
fn sites_in(root: &Path, rev: &str) -> Result<Vec<String>> {
    let Some(commit) = commit_of(root, rev)? else {
        return Ok(Vec::new());
    };
    let prefix = git_text(root, &["rev-parse", "--show-prefix"])?;
    let listed = git_text(
        root,
        &[
            "ls-tree",
            "--name-only",
            "--full-tree",
            &commit,
            "--",
            &format!("{prefix}{}/", crate::layout::SITES_DIR),
        ],
    )?;
    Ok(listed
        .lines()
        .filter_map(|path| path.rsplit('/').next())
        .filter(|code| crate::layout::is_site_code(code))
        .map(str::to_string)
        .collect())
}

/// Check that the folder's every log extends the same log in `rev`, along every commit
/// since.
pub fn against(store: &Store, rev: &str) -> Result<Compared> {
    against_logs(store, store, rev)
}

/// What `init` did about git.
pub enum GitReady {
    /// A new repository in the store's folder, configured for many files.
    Made,
    /// The folder is inside a repository already: its settings are the owner's to change.
    Inside,
    /// git cannot be run here.
    NoGit,
}

/// Make a new store's folder a git repository configured for a store of many files
/// (`feature.manyFiles`: index version 4 and the untracked cache), unless it lies inside
/// one already.
pub fn prepare_git(root: &Path) -> GitReady {
    let Ok(inside) = git(root, &["rev-parse", "--is-inside-work-tree"]) else {
        return GitReady::NoGit;
    };
    if inside.status.success() {
        return GitReady::Inside;
    }
    let steps: [&[&str]; 3] = [
        &["init", "-q"],
        &["config", "feature.manyFiles", "true"],
        &["config", "core.untrackedCache", "true"],
    ];
    for args in steps {
        if !git(root, args).is_ok_and(|o| o.status.success()) {
            return GitReady::NoGit;
        }
    }
    GitReady::Made
}

/// A path as one shell word.
fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "'\\''"))
}

/// Install a git pre-commit hook that runs `docket verify --staged` with the `docket` on
/// `PATH` (a path into a build folder would break with the next `cargo clean`), and says
/// so when there is none. Returns the hook's path; refuses to replace a hook that is not
/// docket's.
pub fn install_hook(store: &Store) -> Result<PathBuf> {
    let root = &store.root;
    let hooks = git_text(root, &["rev-parse", "--git-path", "hooks"])?;
    let hooks = root.join(hooks);
    let hook = hooks.join("pre-commit");
    let inside = git_text(root, &["rev-parse", "--show-prefix"])?;
    let store_arg = if inside.is_empty() {
        ".".to_string()
    } else {
        inside.trim_end_matches('/').to_string()
    };
    let command = format!(
        "docket --store {} verify --staged",
        quoted(Path::new(&store_arg))
    );
    let missing = quoted(Path::new(&t!("against-hook-no-docket-on-path")));
    let script = format!(
        "#!/bin/sh\n\
         # docket: refuse a commit whose staged store does not verify or whose audit log\n\
         # does not extend the one in HEAD.\n\
         if ! command -v docket >/dev/null 2>&1; then\n  echo {missing} >&2\n  exit 1\nfi\n\
         cd \"$(git rev-parse --show-toplevel)\" || exit 1\n\
         exec {command}\n"
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

/// Whether a `docket` is on `PATH`, where the hook looks for it.
pub fn docket_on_path() -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("docket").is_file()))
}
