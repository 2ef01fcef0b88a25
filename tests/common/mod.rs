//! Test harness: a temporary store made by the real binary, a fixed clock, registered
//! staff for every role, and helpers to run commands and compare the store's bytes.
#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub const NOW: &str = "2026-03-01T09:00:00Z";

/// Exit codes (README "Exit codes").
pub const IO: i32 = 1;
pub const USAGE: i32 = 2;
pub const INTEGRITY: i32 = 3;
pub const DENIED: i32 = 4;
pub const INVALID: i32 = 5;
pub const CONFLICT: i32 = 6;

/// Staff registered in every test store: (name, role).
pub const STAFF: &[(&str, &str)] = &[
    ("alice", "business-staff"),
    ("bob", "business-staff"),
    ("mona", "market-manager"),
    ("victor", "vp-operations"),
    ("vera", "vp-operations"),
    ("gina", "general-manager"),
    ("pat", "planning-construction"),
    ("fay", "finance"),
    ("arch", "archivist"),
    ("audrey", "auditor"),
];

/// The personal data every test customer carries, searched for in outputs.
pub const SEEDED_NAME: &str = "张三丰";
pub const SEEDED_ID: &str = "11010519491231002X";
pub const SEEDED_PHONE: &str = "13812341234";
pub const SEEDED_ADDRESS: &str = "北京市朝阳区建国路88号";

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub struct TestStore {
    pub dir: TempDir,
    pub now: String,
}

pub fn docket() -> Command {
    let mut c = Command::cargo_bin("docket").expect("binary built");
    c.env_remove("DOCKET_ACTOR")
        .env_remove("DOCKET_STORE")
        .env("DOCKET_NOW", NOW);
    c
}

impl TestStore {
    /// A fresh store with administrator `root` and the staff above.
    pub fn new() -> TestStore {
        let s = TestStore::bare();
        for (name, role) in STAFF {
            s.ok(
                "root",
                &[
                    "actor",
                    "add",
                    name,
                    "--role",
                    role,
                    "--agreement-signed",
                    "2026-01-05",
                    "--trained-on",
                    "2026-01-05",
                ],
            );
        }
        s
    }

    /// A fresh store with only its administrator.
    pub fn bare() -> TestStore {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = docket()
            .arg("init")
            .arg(dir.path())
            .args(["--admin", "root", "--name", "test"])
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "init failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        TestStore {
            dir,
            now: NOW.to_string(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn cmd(&self, actor: &str, args: &[&str]) -> Command {
        let mut c = docket();
        c.current_dir(self.root()).env("DOCKET_NOW", &self.now);
        if !actor.is_empty() {
            c.args(["--as", actor]);
        }
        c.args(args);
        c
    }

    pub fn run(&self, actor: &str, args: &[&str]) -> Out {
        let out = self.cmd(actor, args).output().expect("runs");
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Run and insist on success; returns stdout.
    pub fn ok(&self, actor: &str, args: &[&str]) -> String {
        let o = self.run(actor, args);
        assert_eq!(
            o.code, 0,
            "docket {args:?} as {actor} failed:\n{}",
            o.stderr
        );
        o.stdout
    }

    /// Run and insist on failure with `code`; returns stderr.
    pub fn fails(&self, actor: &str, args: &[&str], code: i32) -> String {
        let o = self.run(actor, args);
        assert_eq!(
            o.code, code,
            "docket {args:?} as {actor}: expected exit {code}\nstdout: {}\nstderr: {}",
            o.stdout, o.stderr
        );
        o.stderr
    }

    /// Run a failing command and check the store's bytes did not change.
    pub fn fails_unchanged(&self, actor: &str, args: &[&str], code: i32) -> String {
        let before = self.snapshot();
        let err = self.fails(actor, args, code);
        assert_eq!(before, self.snapshot(), "docket {args:?} changed the store");
        err
    }

    /// Every file of the store and its bytes (the lock file aside).
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                if rel == "records/.lock" || rel.starts_with("records/.cache") {
                    continue;
                }
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        walk(self.root(), self.root(), &mut out);
        out
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.path("records/audit.log")).unwrap()
    }

    /// A residential customer carrying the seeded personal data.
    pub fn residential(&self) -> String {
        self.customer("residential", &[])
    }

    /// A customer of `category`; `extra` adds or overrides `field=value` pairs.
    pub fn customer(&self, category: &str, extra: &[&str]) -> String {
        let (id_kind, id_number, name) = if category == "residential" {
            ("resident-id", SEEDED_ID, SEEDED_NAME)
        } else {
            ("uscc", "91350100M000100Y43", "华润燃气商贸有限公司")
        };
        let mut pairs: Vec<String> = vec![
            format!("name={name}"),
            format!("id_kind={id_kind}"),
            format!("id_number={id_number}"),
            format!("category={category}"),
            format!("phone={SEEDED_PHONE}"),
            format!("address={SEEDED_ADDRESS}"),
            "account_opened_on=2026-02-01".into(),
        ];
        if category == "collective" {
            pairs.push("contact_name=李四".into());
            pairs.push("contact_phone=13900001111".into());
        }
        pairs.extend(extra.iter().map(|s| s.to_string()));
        let mut args = vec!["create".to_string(), "customer".to_string()];
        args.extend(pairs.iter().flat_map(|p| ["--set".to_string(), p.clone()]));
        self.ok("alice", &strs(&args)).trim().to_string()
    }

    /// Create a record of `kind` as `actor` with `--set` pairs; returns the id.
    pub fn create(&self, actor: &str, kind: &str, pairs: &[&str]) -> String {
        let mut args = vec!["create".to_string(), kind.to_string()];
        args.extend(sets(pairs));
        self.ok(actor, &strs(&args)).trim().to_string()
    }

    /// A record's status, read through `show --format json`.
    pub fn status(&self, id: &str) -> String {
        let out = self.ok("audrey", &["--format", "json", "show", id]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        v["status"].as_str().unwrap().to_string()
    }
}

/// `--set` pairs as args.
pub fn sets(pairs: &[&str]) -> Vec<String> {
    pairs
        .iter()
        .flat_map(|p| ["--set".to_string(), p.to_string()])
        .collect()
}

pub fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// `base` args followed by `--set` pairs.
pub fn with_sets(base: &[&str], pairs: &[&str]) -> Vec<String> {
    base.iter()
        .map(|s| s.to_string())
        .chain(sets(pairs))
        .collect()
}

/// The first 16 hex digits of a SHA-256, as docket logs schema hashes.
pub fn sha256_prefix(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}
