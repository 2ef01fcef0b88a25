//! Watching the binary's system calls with `strace`: which files a command opens, writes
//! and syncs, and in which order.
#![allow(dead_code)]

use super::common::{NOW, TestStore};

/// One system call on a file of the store: its name and the file's path in the store
/// (`.` for the store's folder itself).
#[derive(Debug, PartialEq, Eq)]
pub struct Call {
    pub name: String,
    pub path: String,
}

/// Run `docket --as actor args` under `strace`, tracing the calls in `calls` (as `-e
/// trace=` takes them), and return those made on files of the store, in order.
pub fn traced(s: &TestStore, calls: &str, actor: &str, args: &[&str]) -> Vec<Call> {
    let trace = s.dir.path().join("trace");
    let out = std::process::Command::new("strace")
        .args(["-f", "-y", "-qq", "-o"])
        .arg(&trace)
        .arg(format!("-etrace={calls}"))
        .arg(env!("CARGO_BIN_EXE_docket"))
        .args(["--as", actor])
        .args(args)
        .current_dir(s.root())
        .env_remove("DOCKET_ACTOR")
        .env_remove("DOCKET_STORE")
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("DOCKET_NOW", NOW)
        .env("XDG_STATE_HOME", s.state())
        .env("DOCKET_IDENTITY", s.key(actor))
        .output()
        .expect("strace is installed (.ci/run installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = s.root().display().to_string();
    std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .filter_map(|line| parse(line, &root))
        .collect()
}

/// `PID  name(FD</path>, …) = …`, or `PID  openat(AT_FDCWD</cwd>, "/path", …) = …`.
fn parse(line: &str, root: &str) -> Option<Call> {
    let (_, call) = line.split_once(' ')?;
    let (name, rest) = call.trim_start().split_once('(')?;
    let path = if name == "openat" {
        rest.split_once('"')?.1.split_once('"')?.0
    } else {
        rest.split_once('<')?.1.split_once('>')?.0
    };
    let rel = if path == root {
        "."
    } else {
        path.strip_prefix(root)?.strip_prefix('/')?
    };
    Some(Call {
        name: name.to_string(),
        path: rel.to_string(),
    })
}

/// Where `name` on `path` first happens.
pub fn first(calls: &[Call], name: &str, path: &str) -> Option<usize> {
    calls.iter().position(|c| c.name == name && c.path == path)
}

/// How many times `name` happens on `path`.
pub fn count(calls: &[Call], name: &str, path: &str) -> usize {
    calls
        .iter()
        .filter(|c| c.name == name && c.path == path)
        .count()
}
