//! Git as a second witness: `verify --against REV` and the pre-commit hook refuse a log
//! cut or rewritten since a commit, in any commit since, and a staged tree that is not a
//! consistent store.

mod common;
use common::*;
use std::process::Command as Sh;

/// The folder holding the docket binary under test, put first on the hook's PATH.
fn docket_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_BIN_EXE_docket"))
        .parent()
        .expect("a folder")
        .to_path_buf()
}

fn git(s: &TestStore, args: &[&str]) -> std::process::Output {
    let path = std::env::join_paths(std::iter::once(docket_dir()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("a PATH");
    git_with_path(s, args, &path)
}

fn git_with_path(s: &TestStore, args: &[&str], path: &std::ffi::OsStr) -> std::process::Output {
    Sh::new("git")
        .current_dir(s.root())
        .env("PATH", path)
        .env("DOCKET_NOW", &s.now)
        .env("XDG_STATE_HOME", s.state())
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs")
}

fn committed_store() -> (TestStore, String) {
    let s = TestStore::new();
    let id = s.residential();
    assert!(git(&s, &["init", "-q"]).status.success());
    assert!(git(&s, &["add", "-A"]).status.success());
    assert!(git(&s, &["commit", "-qm", "store"]).status.success());
    (s, id)
}

#[test]
fn verify_against_a_revision_checks_the_log_extends_it() {
    let (s, id) = committed_store();
    let n = s.log_text().lines().count();
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M1", "--reason", "m"],
    );
    let out = s.ok("", &["verify", "--against", "HEAD"]);
    assert!(out.starts_with("ok: "), "{out}");
    assert!(
        out.ends_with(&format!(
            "\nok: the log extends the one in HEAD ({n} entries there, {} now)\n",
            n + 1
        )),
        "{out}"
    );
    // Cut back behind the commit: the witness of git says so, whatever this machine knows.
    let cut: String = s
        .log_text()
        .lines()
        .take(n - 1)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(s.path("records/audit.log"), &cut).unwrap();
    let err = s.fails("", &["verify", "--against", "HEAD"], INTEGRITY);
    assert_eq!(
        err,
        format!(
            "error: integrity check failed: records/audit.log:{n}: truncated behind entry {n}: HEAD holds {n} entries, the log now ends at entry {}; entries were cut from its end\nhint: `docket verify` lists every problem; `docket recover` moves aside what an interrupted command left, and git restores a file changed by hand\n",
            n - 1
        )
    );
    // A rewritten entry is a fork at its line.
    let log = git(&s, &["show", "HEAD:records/audit.log"]).stdout;
    let text = String::from_utf8(log).unwrap();
    let forged = forge_log(
        &text,
        5,
        &|_, e| e["detail"]["role"] = "finance".into(),
        &|a| Some(s.key(a)),
    );
    std::fs::write(s.path("records/audit.log"), &forged).unwrap();
    let err = s.fails("", &["verify", "--against", "HEAD"], INTEGRITY);
    assert!(err.contains("records/audit.log:5: forked at entry 5: the log differs from the one committed in HEAD there"), "{err}");
    let err = s.fails("", &["verify", "--against", "no-such-rev"], USAGE);
    assert!(
        err.starts_with("error: `no-such-rev` is not a commit of this repository"),
        "{err}"
    );
}

#[test]
fn the_pre_commit_hook_refuses_a_cut_log() {
    let (s, id) = committed_store();
    let out = s.run("", &["hook", "install"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("pre-commit"), "{}", out.stderr);
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M1", "--reason", "m"],
    );
    git(&s, &["add", "-A"]);
    let ok = git(&s, &["commit", "-qm", "amend"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let n = s.log_text().lines().count();
    let cut: String = s
        .log_text()
        .lines()
        .take(n - 1)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(s.path("records/audit.log"), &cut).unwrap();
    git(&s, &["add", "-A"]);
    let refused = git(&s, &["commit", "-qm", "cut"]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains(&format!("truncated behind entry {n}")),
        "{err}"
    );
    // A hook that is not docket's is never overwritten.
    let hook = s.root().join(".git/hooks/pre-commit");
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    let err = s.fails("", &["hook", "install"], CONFLICT);
    assert!(err.contains("exists and is not docket's"), "{err}");
    assert!(
        err.contains("hint: add this line to it: docket --store '.' verify --staged\n"),
        "{err}"
    );
}

fn commit(s: &TestStore, message: &str) -> std::process::Output {
    git(s, &["commit", "-qm", message])
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The log without its last `k` entries.
fn cut_by(s: &TestStore, k: usize) -> String {
    let n = s.log_text().lines().count();
    s.log_text()
        .lines()
        .take(n - k)
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A cut committed on top of the revision and restored in the next commit, or the log
/// dropped from git and added back cut, is named by the commit that did it.
#[test]
fn verify_against_checks_every_commit_since_the_revision() {
    let (s, id) = committed_store();
    let n = s.log_text().lines().count();
    let whole = s.log_text();
    std::fs::write(s.path("records/audit.log"), cut_by(&s, 1)).unwrap();
    git(&s, &["add", "-A"]);
    assert!(
        git(&s, &["commit", "-qm", "cut", "--no-verify"])
            .status
            .success()
    );
    let cut_commit = String::from_utf8(git(&s, &["rev-parse", "--short=12", "HEAD"]).stdout)
        .unwrap()
        .trim()
        .to_string();
    std::fs::write(s.path("records/audit.log"), &whole).unwrap();
    git(&s, &["add", "-A"]);
    assert!(
        git(&s, &["commit", "-qm", "restored", "--no-verify"])
            .status
            .success()
    );
    let err = s.fails("", &["verify", "--against", "HEAD~2"], INTEGRITY);
    assert!(
        err.starts_with(&format!(
            "error: integrity check failed: records/audit.log:{n}: commit {cut_commit} holds {} entries of the log, its parent ",
            n - 1
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("held {n}: entries were cut in that commit")),
        "{err}"
    );
    // Comparing with the last commit alone sees nothing wrong: that is why every commit
    // since the revision is read.
    s.ok("", &["verify", "--against", "HEAD"]);

    // Dropped from git, then added back cut.
    let (s, _) = committed_store();
    let n = s.log_text().lines().count();
    git(&s, &["rm", "-q", "--cached", "records/audit.log"]);
    assert!(
        git(&s, &["commit", "-qm", "untrack", "--no-verify"])
            .status
            .success()
    );
    let dropped = String::from_utf8(git(&s, &["rev-parse", "--short=12", "HEAD"]).stdout)
        .unwrap()
        .trim()
        .to_string();
    git(&s, &["add", "-A"]);
    assert!(
        git(&s, &["commit", "-qm", "back", "--no-verify"])
            .status
            .success()
    );
    let err = s.fails("", &["verify", "--against", "HEAD~2"], INTEGRITY);
    assert!(
        err.contains(&format!(
            "commit {dropped} holds no audit log, though its parent "
        )) && err.contains(&format!("held {n} entries: the log was dropped from git")),
        "{err}"
    );
    let _ = id;
}

/// `verify --against` checks the store itself too: a log that extends the commit's says
/// nothing of a record file changed by hand.
#[test]
fn verify_against_checks_the_store_itself() {
    let (s, id) = committed_store();
    let file = s.path(&format!("records/customer/2026/000/{id}.v0001.toml"));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("residential", "commercial")).unwrap();
    let err = s.fails("", &["verify", "--against", "HEAD"], INTEGRITY);
    assert!(
        err.contains("does not match the hash the audit log holds"),
        "{err}"
    );
}

/// The hook refuses a staged tree that is not a consistent store: a logged file left out,
/// an unlogged file staged, the log dropped — in both languages.
#[test]
fn the_pre_commit_hook_refuses_a_staged_tree_that_is_not_a_store() {
    let (s, id) = committed_store();
    assert_eq!(s.run("", &["hook", "install"]).code, 0);
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M1", "--reason", "m"],
    );
    // The log staged without the version it logs.
    git(&s, &["add", "records/audit.log"]);
    let refused = commit(&s, "log only");
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(
        err.contains(&format!(
            "records/customer/2026/000/{id}.v0002.toml: logged but missing: restore it from git or a backup"
        )),
        "{err}"
    );
    git(&s, &["add", "-A"]);
    // What is checked is what the commit holds: a file changed in the folder after it was
    // staged (so the index is copied out and verified) does not stop a consistent commit.
    let v2 = s.path(&format!("records/customer/2026/000/{id}.v0002.toml"));
    let staged_bytes = std::fs::read(&v2).unwrap();
    std::fs::write(&v2, b"changed after staging\n").unwrap();
    let ok = commit(&s, "amend");
    assert!(ok.status.success(), "{}", stderr(&ok));
    std::fs::write(&v2, staged_bytes).unwrap();
    // A forged version staged under the folder's good one, hidden from `git diff` by
    // assume-unchanged: the index is what is checked, and the forgery is named.
    let v1 = format!("records/customer/2026/000/{id}.v0001.toml");
    let good = std::fs::read(s.path(&v1)).unwrap();
    std::fs::write(s.path(&v1), b"forged = true\n").unwrap();
    git(&s, &["add", &v1]);
    git(&s, &["update-index", "--assume-unchanged", &v1]);
    std::fs::write(s.path(&v1), &good).unwrap();
    let refused = commit(&s, "forged");
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains(&format!(
            "{v1}: does not match the hash the audit log holds"
        )),
        "{}",
        stderr(&refused)
    );
    git(&s, &["update-index", "--no-assume-unchanged", &v1]);
    git(&s, &["add", &v1]);
    // A file no entry logs, staged.
    std::fs::write(s.path("records/customer/extra.toml"), "x = 1\n").unwrap();
    git(&s, &["add", "-A"]);
    let err = stderr(&commit(&s, "extra"));
    assert!(
        err.contains("records/customer/extra.toml: present but not logged"),
        "{err}"
    );
    git(&s, &["rm", "-q", "--cached", "records/customer/extra.toml"]);
    // The log dropped from what is committed.
    git(&s, &["rm", "-q", "--cached", "records/audit.log"]);
    let refused = commit(&s, "untrack");
    assert!(!refused.status.success());
    assert_eq!(
        stderr(&refused),
        "error: integrity check failed: records/audit.log: the audit log is not staged: a commit must hold the log with the files it logs (`git add` it)\nhint: `docket verify` lists every problem; `docket recover` moves aside what an interrupted command left, and git restores a file changed by hand\n"
    );
    let zh = Sh::new("git")
        .current_dir(s.root())
        .env(
            "PATH",
            std::env::join_paths([docket_dir(), "/usr/bin".into(), "/bin".into()]).unwrap(),
        )
        .env("DOCKET_NOW", &s.now)
        .env("XDG_STATE_HOME", s.state())
        .env("LANG", "zh_CN.UTF-8")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            "x",
        ])
        .output()
        .unwrap();
    assert!(
        stderr(&zh).starts_with("错误：完整性检查未通过：records/audit.log: 审计日志没有暂存"),
        "{}",
        stderr(&zh)
    );
}

/// The hook runs the docket on PATH, and says so plainly when there is none.
#[test]
fn the_pre_commit_hook_needs_docket_on_path() {
    let (s, id) = committed_store();
    let out = s.run("", &["hook", "install"]);
    let hook = std::fs::read_to_string(s.root().join(".git/hooks/pre-commit")).unwrap();
    assert!(
        hook.contains("exec docket --store '.' verify --staged"),
        "{hook}"
    );
    assert!(!hook.contains("target/"), "{hook}");
    // This test's PATH has no docket: installing says the hook will refuse commits.
    assert!(
        out.stderr
            .contains("no `docket` on PATH here: the hook refuses every commit until there is one"),
        "{}",
        out.stderr
    );
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M1", "--reason", "m"],
    );
    git(&s, &["add", "-A"]);
    let refused = git_with_path(&s, &["commit", "-qm", "amend"], "/usr/bin:/bin".as_ref());
    assert!(!refused.status.success());
    assert_eq!(
        stderr(&refused),
        "docket's pre-commit hook: no `docket` on PATH, so this commit cannot be checked. Install it (`cargo install --locked --path .` in docket's source, or put the binary in a folder on PATH) and commit again.\n"
    );
    let ok = commit(&s, "amend");
    assert!(ok.status.success(), "{}", stderr(&ok));
}

/// Once a segment is sealed, the hook and `verify --against` read the log across every
/// committed segment: a commit that leaves the new segment out, or drops a sealed one, is
/// refused or named.
#[test]
fn sealed_segments_are_checked_in_git_like_the_open_one() {
    let (s, _) = committed_store();
    assert_eq!(s.run("", &["hook", "install"]).code, 0);
    s.import_many(1000, 500);
    let sealed = "records/_log/0000/000000000001.log";
    assert!(s.path(sealed).is_file());
    // `commit -a` stages the open segment's removal but not the new sealed one.
    let refused = git(&s, &["commit", "-qam", "tracked only"]);
    assert!(!refused.status.success(), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("records/audit.log"),
        "{}",
        stderr(&refused)
    );
    git(&s, &["add", "-A"]);
    let ok = commit(&s, "import");
    assert!(ok.status.success(), "{}", stderr(&ok));
    s.residential();
    git(&s, &["add", "-A"]);
    assert!(commit(&s, "one more").status.success());
    assert!(
        s.ok("", &["verify", "--against", "HEAD~2"])
            .contains("HEAD~2")
    );
    // A sealed segment dropped in a commit is named by that commit.
    git(&s, &["rm", "-q", "--cached", sealed]);
    assert!(
        git(&s, &["commit", "-qm", "drop", "--no-verify"])
            .status
            .success()
    );
    let err = s.fails("", &["verify", "--against", "HEAD~1"], INTEGRITY);
    assert!(
        err.starts_with(&format!(
            "error: integrity check failed: {sealed}:1: forked at entry 1"
        )),
        "{err}"
    );
}

/// `init` makes the new store's folder a git repository set for many files, and leaves
/// the settings of a repository it lies inside alone.
#[test]
fn init_makes_a_git_repository_set_for_many_files() {
    let s = TestStore::new();
    let config = |key: &str| {
        let out = git(&s, &["config", "--get", key]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(config("feature.manyFiles"), "true");
    assert_eq!(config("core.untrackedCache"), "true");
    let inner = s.root().join("inner");
    let out = docket()
        .env("XDG_STATE_HOME", s.state())
        .args(["--quiet", "init"])
        .arg(&inner)
        .args(["--admin", "root", "--key"])
        .arg(s.pubkey("root"))
        .arg("--identity")
        .arg(s.key("root"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!inner.join(".git").exists());
}

/// A working clone and a reviewer's clone of one store on one machine: each keeps its
/// own memory of the log, so the one behind is never taken for a cut log, and a pull
/// brings it up to date with every act checked.
#[test]
fn two_clones_on_one_machine_keep_their_own_memory() {
    let (s, id) = committed_store();
    let reviewer = s.dir.path().join("reviewer");
    let cloned = Sh::new("git")
        .args(["clone", "-q"])
        .arg(s.root())
        .arg(&reviewer)
        .output()
        .unwrap();
    assert!(cloned.status.success(), "{}", stderr(&cloned));
    let in_clone = |args: &[&str]| {
        s.process("", &["--store", reviewer.to_str().unwrap()])
            .args(args)
            .output()
            .unwrap()
    };
    assert!(in_clone(&["verify"]).status.success());
    // The working clone moves on; the reviewer's, now behind, still opens.
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M7", "--reason", "m"],
    );
    git(&s, &["add", "-A"]);
    assert!(commit(&s, "amend").status.success());
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
    let behind = in_clone(&["verify"]);
    assert!(behind.status.success(), "{}", stderr(&behind));
    let pulled = Sh::new("git")
        .current_dir(&reviewer)
        .args(["pull", "-q", "--ff-only"])
        .output()
        .unwrap();
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    let after = in_clone(&["verify"]);
    assert!(after.status.success(), "{}", stderr(&after));
    let n = s.log_text().lines().count();
    assert!(
        String::from_utf8_lossy(&after.stdout).starts_with(&format!("ok: {n} audit entries")),
        "{}",
        String::from_utf8_lossy(&after.stdout)
    );
}
