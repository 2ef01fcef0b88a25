//! Test harness: a temporary store made by the real binary, a fixed clock, registered
//! staff for every role, and helpers to run commands and compare the store's bytes.
#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub const NOW: &str = "2026-03-01T09:00:00Z";
/// NOW as docket writes it: in the store's zone (Asia/Shanghai by default).
pub const NOW_LOCAL: &str = "2026-03-01T17:00:00+08:00";

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

/// The administrator who co-signs what `root` proposes.
pub const SECOND_ADMIN: &str = "root2";

/// The terms of a residential installation at the template's tariff, but its customer.
pub const INSTALL: &[&str] = &[
    "installation_fee=2800.00",
    "fee_basis=tariff",
    "payment_plan=lump-sum",
    "schedule_required=false",
    "property_dispute=false",
    "signed_on=2026-03-01",
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

impl From<std::process::Output> for Out {
    fn from(out: std::process::Output) -> Out {
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A temporary place for a test: the store in `store/`, actors' keys in `keys/`, and
/// this "machine's" state (its witness of the log) in `state/`.
pub struct TestStore {
    pub dir: TempDir,
    pub now: String,
    /// Customers made by `customer`: each after the first gets an identity number of its
    /// own (one customer, one record).
    customers: std::sync::Mutex<(u32, u32)>,
}

/// A valid resident id (GB 11643) born on 1949-12-31 in Beijing with sequence `seq`;
/// sequence 2 is `SEEDED_ID`.
pub fn resident_id(seq: u32) -> String {
    with_check_digit(format!("11010519491231{seq:03}"))
}

/// A valid resident id for any `n` below 16,800,000: births spread over 1950–1999.
pub fn nth_resident_id(n: u32) -> String {
    let (day, month, year) = (n % 28 + 1, (n / 28) % 12 + 1, 1950 + (n / 336) % 50);
    with_check_digit(format!(
        "110105{year}{month:02}{day:02}{:03}",
        n / 16_800 % 1000
    ))
}

fn with_check_digit(body: String) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| (b - b'0') as u32 * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// A valid unified social credit code (GB 32100) numbered `n`; 100 gives the
/// published example `91350100M000100Y43`.
pub fn uscc(n: u32) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let body = format!("91350100M00{n:04}Y4");
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| ALPHABET.iter().position(|&a| a == b).unwrap() as u32 * w)
        .sum();
    format!(
        "{body}{}",
        ALPHABET[((31 - sum % 31) % 31) as usize] as char
    )
}

/// The binary with a clean environment: no actor, store, identity or agent from outside.
pub fn docket() -> Command {
    Command::from(docket_process())
}

/// `docket()` as a plain process, for tests that spawn and kill it.
pub fn docket_process() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_docket"));
    c.env_remove("DOCKET_ACTOR")
        .env_remove("DOCKET_STORE")
        .env_remove("DOCKET_IDENTITY")
        .env_remove("SSH_AUTH_SOCK")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("DOCKET_NOW", NOW);
    c
}

/// Write a new Ed25519 key pair as `dir/name` and `dir/name.pub`, as ssh-keygen does.
pub fn keygen(dir: &Path, name: &str) -> PathBuf {
    use ssh_key::{Algorithm, LineEnding, PrivateKey, rand_core::OsRng};
    std::fs::create_dir_all(dir).unwrap();
    let mut key = PrivateKey::random(&mut OsRng, Algorithm::Ed25519).expect("keygen");
    key.set_comment(format!("{name}@test"));
    let path = dir.join(name);
    std::fs::write(&path, key.to_openssh(LineEnding::LF).unwrap().as_bytes()).unwrap();
    // As ssh-keygen leaves it: ssh-add refuses private keys others may read.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(
        dir.join(format!("{name}.pub")),
        key.public_key().to_openssh().unwrap() + "\n",
    )
    .unwrap();
    path
}

impl TestStore {
    /// A fresh store with administrator `root` and the staff above.
    pub fn new() -> TestStore {
        let s = TestStore::bare();
        for (name, role) in STAFF {
            s.add_actor(name, role);
        }
        s
    }

    /// The arguments that register `name`, with a new key of their own, as `role` in
    /// department `dept`.
    pub fn department_actor_args(&self, name: &str, role: &str, dept: &str) -> Vec<String> {
        let key = self.pubkey(name);
        [
            "actor",
            "add",
            name,
            "--role",
            role,
            "--key",
            &key,
            "--department",
            dept,
            "--agreement-signed",
            "2026-01-05",
            "--trained-on",
            "2026-01-05",
        ]
        .iter()
        .map(|a| a.to_string())
        .collect()
    }

    /// `by` registers `name` as `role` in department `dept`.
    pub fn add_in_department(&self, by: &str, name: &str, role: &str, dept: &str) {
        let proposed = self.ok(by, &strs(&self.department_actor_args(name, role, dept)));
        self.cosign("actor", &proposed);
    }

    /// Register `name` with a new key of their own. A role that manages others or reaches
    /// every department needs a second administrator: `root2` (registered on first need)
    /// co-signs root's proposal.
    pub fn add_actor(&self, name: &str, role: &str) {
        let key = self.key(name);
        let proposed = self.ok(
            "root",
            &[
                "actor",
                "add",
                name,
                "--role",
                role,
                "--key",
                &format!("{}.pub", key.display()),
                "--agreement-signed",
                "2026-01-05",
                "--trained-on",
                "2026-01-05",
            ],
        );
        self.cosign("actor", &proposed);
    }

    /// Have the second administrator co-sign `proposed` (a proposal's entry, as a command
    /// printed it), registering them first if needed; nothing when nothing was proposed.
    pub fn cosign(&self, what: &str, proposed: &str) {
        let entry = proposed.trim();
        if entry.is_empty() {
            return;
        }
        if !self.dir.path().join("keys").join(SECOND_ADMIN).exists() {
            self.add_actor(SECOND_ADMIN, "admin");
        }
        self.ok(SECOND_ADMIN, &[what, "approve", entry]);
    }

    /// A fresh store with only its administrator.
    pub fn bare() -> TestStore {
        let dir = tempfile::tempdir().expect("temp dir");
        let s = TestStore {
            dir,
            now: NOW.to_string(),
            customers: std::sync::Mutex::new((0, 0)),
        };
        let key = s.key("root");
        let out = docket()
            .env("XDG_STATE_HOME", s.state())
            .arg("init")
            .arg(s.root())
            .args(["--admin", "root", "--name", "test", "--key"])
            .arg(format!("{}.pub", key.display()))
            .arg("--identity")
            .arg(&key)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "init failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        s
    }

    /// The private key of `name`, made on first use.
    pub fn key(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join("keys").join(name);
        if path.exists() {
            path
        } else {
            keygen(&self.dir.path().join("keys"), name)
        }
    }

    /// Apply the edited policy files as the administrator (`policy apply`), with the
    /// second administrator's co-signature when the change widens or weakens.
    pub fn apply_policy(&self, reason: &str) {
        let proposed = self.ok("root", &["policy", "apply", "--reason", reason]);
        self.cosign("policy", &proposed);
    }

    /// The public key file of `name` (a new key on first use), as `--key` takes it.
    pub fn pubkey(&self, name: &str) -> String {
        format!("{}.pub", self.key(name).display())
    }

    /// This test machine's state folder (XDG_STATE_HOME).
    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// A command as `actor`, signing with their key when they have one.
    pub fn cmd(&self, actor: &str, args: &[&str]) -> Command {
        Command::from(self.process(actor, args))
    }

    /// `cmd` as a plain process, for tests that spawn and kill it.
    pub fn process(&self, actor: &str, args: &[&str]) -> std::process::Command {
        let mut c = docket_process();
        c.current_dir(self.root())
            .env("DOCKET_NOW", &self.now)
            .env("XDG_STATE_HOME", self.state());
        if !actor.is_empty() {
            c.args(["--as", actor]);
            let key = self.dir.path().join("keys").join(actor);
            if key.exists() {
                c.env("DOCKET_IDENTITY", key);
            }
        }
        c.args(args);
        c
    }

    pub fn run(&self, actor: &str, args: &[&str]) -> Out {
        Out::from(self.cmd(actor, args).output().expect("runs"))
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

    /// Run a command that is refused because it would tell whether identity numbers are
    /// held: nothing changes but the log, which gains one `probe` entry counting them.
    /// Returns stderr and the entry.
    pub fn fails_probed(
        &self,
        actor: &str,
        args: &[&str],
        code: i32,
    ) -> (String, serde_json::Value) {
        let mut before = self.snapshot();
        let log_before = before.remove("records/audit.log").unwrap();
        let err = self.fails(actor, args, code);
        let mut after = self.snapshot();
        let log_after = after.remove("records/audit.log").unwrap();
        assert_eq!(
            before, after,
            "docket {args:?} changed the store beyond the log"
        );
        assert!(log_after.starts_with(&log_before), "the log only grows");
        let added = String::from_utf8(log_after[log_before.len()..].to_vec()).unwrap();
        assert_eq!(added.lines().count(), 1, "one entry: {added}");
        let line = added.trim_end();
        let body = &line[130..line.rfind(' ').unwrap()];
        let entry: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(entry["action"], "probe", "{entry}");
        (err, entry)
    }

    /// Every file of the store and its bytes (the lock file aside).
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                if rel == "records/.lock" || rel.starts_with("records/.cache") || rel == ".git" {
                    continue;
                }
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        walk(&self.root(), &self.root(), &mut out);
        out
    }

    /// This machine's settled index of the store (in its state folder), if made.
    pub fn index_db(&self) -> Option<PathBuf> {
        std::fs::read_dir(self.state().join("docket"))
            .ok()?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with(".index.sqlite"))
    }

    /// Every byte of this machine's settled index and its write-ahead log, as text.
    pub fn derived_text(&self) -> String {
        let db = self.index_db().expect("a settled index");
        let mut bytes = std::fs::read(&db).unwrap();
        let wal = PathBuf::from(format!("{}-wal", db.display()));
        bytes.extend(std::fs::read(wal).unwrap_or_default());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Forget every derived file: the rows cache in the store and this machine's settled
    /// index, so the next run rebuilds them from the log.
    pub fn drop_caches(&self) {
        let _ = std::fs::remove_dir_all(self.path("records/.cache"));
        if let Ok(dir) = std::fs::read_dir(self.state().join("docket")) {
            for p in dir.flatten().map(|e| e.path()) {
                if p.to_string_lossy().contains(".index.sqlite") {
                    std::fs::remove_file(p).unwrap();
                }
            }
        }
    }

    /// Import `n` residential customers of their own (identity numbers from `first`) as
    /// alice in one transaction: about 540 bytes of log each, so 500 fill a log segment.
    pub fn import_many(&self, first: u32, n: u32) {
        let file = self.many_csv(first, n);
        self.ok("alice", &["import", "customer", file.to_str().unwrap()]);
        std::fs::remove_file(file).unwrap();
    }

    /// A CSV file (outside the store) of `n` residential customers with identity numbers
    /// from `first`.
    pub fn many_csv(&self, first: u32, n: u32) -> PathBuf {
        let mut csv =
            String::from("name,id_kind,id_number,category,phone,address,account_opened_on\n");
        for i in first..first + n {
            csv.push_str(&format!(
                "客户{i},resident-id,{},residential,138{i:08},杭州市上城区解放路{i}号,2026-02-01\n",
                nth_resident_id(i)
            ));
        }
        let file = self.dir.path().join(format!("many-{first}.csv"));
        std::fs::write(&file, csv).unwrap();
        file
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.path("records/audit.log")).unwrap()
    }

    /// A residential customer carrying the seeded personal data.
    pub fn residential(&self) -> String {
        self.customer("residential", &[])
    }

    /// A customer of `category`; `extra` adds or overrides `field=value` pairs. The first
    /// residential customer carries `SEEDED_ID`, later ones numbers of their own.
    pub fn customer(&self, category: &str, extra: &[&str]) -> String {
        let (id_kind, id_number, name) = {
            let mut made = self.customers.lock().unwrap();
            if category == "residential" {
                made.0 += 1;
                ("resident-id", resident_id(1 + made.0), SEEDED_NAME)
            } else {
                made.1 += 1;
                ("uscc", uscc(99 + made.1), "华润燃气商贸有限公司")
            }
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
        let out = self.ok("audrey", &["show", "--format", "json", id]);
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

/// Rewrite a log as an insider with write access could: from line `from` (1-based) on,
/// each entry's JSON is passed to `edit`, the chain is re-linked and every transaction is
/// re-signed with the private key `sign_with(actor)` gives (or left unsigned).
pub fn forge_log(
    text: &str,
    from: usize,
    edit: &dyn Fn(usize, &mut serde_json::Value),
    sign_with: &dyn Fn(&str) -> Option<PathBuf>,
) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = lines[..from - 1].iter().map(|l| format!("{l}\n")).collect();
    let mut prev = if from == 1 {
        "0".repeat(64)
    } else {
        lines[from - 2][..64].to_string()
    };
    let mut message = String::new();
    let mut remaining = 0u64;
    for (i, line) in lines.iter().enumerate().skip(from - 1) {
        let body_end = line.rfind(' ').unwrap();
        let entry: docket::audit::Entry = serde_json::from_str(&line[130..body_end]).unwrap();
        let mut value = serde_json::to_value(&entry).unwrap();
        edit(i + 1, &mut value);
        // Back through the entry type, so the JSON keeps docket's field order.
        let entry: docket::audit::Entry = serde_json::from_value(value).unwrap();
        if remaining == 0 {
            remaining = entry.txn.map_or(1, u64::from);
            message.clear();
        }
        let body = entry.body();
        message.push_str(&format!("{prev} {body}\n"));
        remaining -= 1;
        let actor: serde_json::Value = serde_json::from_str(&body).unwrap();
        let sig = match (remaining, sign_with(actor["actor"].as_str().unwrap())) {
            (0, Some(key)) => sign(&key, message.as_bytes()),
            _ => "-".to_string(),
        };
        let covered = format!("{prev} {body} {sig}");
        let hash = sha256_hex(covered.as_bytes());
        out.push(format!("{hash} {covered}\n"));
        prev = hash;
    }
    out.concat()
}

/// An SSHSIG signature (namespace docket, base64) as docket writes it in a log line.
pub fn sign(key: &Path, message: &[u8]) -> String {
    use ssh_encoding::Encode;
    use ssh_encoding::base64::{Base64, Encoding};
    let private = ssh_key::PrivateKey::read_openssh_file(key).unwrap();
    let sig = ssh_key::SshSig::sign(&private, "docket", ssh_key::HashAlg::Sha512, message).unwrap();
    let mut bytes = Vec::new();
    sig.encode(&mut bytes).unwrap();
    Base64::encode_string(&bytes)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Append `entries` (seq and time filled in, when missing) to the log as one signed
/// transaction each, as an insider with write access and their own key could: re-linked,
/// each transaction signed by the key of its last entry's actor. Returns the line of the
/// first.
pub fn append_entries(s: &TestStore, entries: &[serde_json::Value]) -> usize {
    let log = s.log_text();
    let n = log.lines().count();
    let mut text = log.clone();
    for (i, e) in entries.iter().enumerate() {
        let mut e = e.clone();
        e["seq"] = (n + 1 + i).into();
        if e.get("time").is_none() {
            e["time"] = NOW_LOCAL.into();
        }
        let body = serde_json::to_string(&e).unwrap();
        text.push_str(&format!("{} {} {body} -\n", "0".repeat(64), "0".repeat(64)));
    }
    let forged = forge_log(&text, n + 1, &|_, _| {}, &|a| Some(s.key(a)));
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    n + 1
}

impl TestStore {
    /// Write a store file by hand; returns it as an entry lists it.
    pub fn write_by_hand(&self, rel: &str, text: &str) -> serde_json::Value {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        serde_json::json!({"path": rel, "sha256": sha256_hex(text.as_bytes())})
    }

    /// A record's version file as text.
    pub fn version_text(&self, kind: &str, id: &str, version: u32) -> String {
        std::fs::read_to_string(
            self.path(&format!("records/{kind}/2026/000/{id}.v{version:04}.toml")),
        )
        .unwrap()
    }

    /// The problems `verify` names, one a line, without `error: integrity check failed: `.
    pub fn verify_problems(&self) -> Vec<String> {
        let err = self.fails("", &["verify"], INTEGRITY);
        err.lines()
            .filter_map(|l| l.strip_prefix("error: integrity check failed: "))
            .map(str::to_string)
            .collect()
    }
}

/// `docket ARGS` as `actor` on a terminal (util-linux `script` gives it one) with the
/// environment `envs`: its exit code and what the terminal showed, line ends as `\n`.
pub fn on_terminal(s: &TestStore, actor: &str, args: &str, envs: &[(&str, &str)]) -> (i32, String) {
    let bin = assert_cmd::cargo::cargo_bin("docket");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &format!("{} --as {actor} {args}", bin.display())])
        .arg("/dev/null")
        .stdin(std::process::Stdio::null())
        .current_dir(s.root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DOCKET_NOW", &s.now)
        .env("XDG_STATE_HOME", s.state())
        .env("DOCKET_IDENTITY", s.key(actor));
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .expect("util-linux `script` runs the command on a terminal");
    let shown = String::from_utf8(out.stdout).expect("the terminal was sent UTF-8");
    (out.status.code().unwrap_or(-1), shown.replace("\r\n", "\n"))
}
