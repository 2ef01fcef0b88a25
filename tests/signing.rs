//! Every act is signed by its actor's registered SSH key: checked by every run and by
//! `verify`, checkable with stock `ssh-keygen -Y verify`, and refused without the key.
//! Forged entries are written here as an insider with write access would write them.

mod common;
use common::*;
use std::path::Path;
use std::process::Command as Sh;

fn ssh_keygen(args: &[&str], stdin: &Path) -> std::process::Output {
    Sh::new("ssh-keygen")
        .args(args)
        .stdin(std::fs::File::open(stdin).unwrap())
        .output()
        .expect("ssh-keygen is installed (.ci/run installs openssh-client)")
}

#[test]
#[ignore = "needs OpenSSH's ssh-keygen; .ci/run runs it"]
fn every_entry_is_checkable_with_stock_ssh_keygen() {
    let s = TestStore::new();
    let id = s.residential();
    let n = s.log_text().lines().count().to_string();
    let signers = s.path("../allowed_signers");
    std::fs::write(&signers, s.ok("", &["actor", "allowed-signers"])).unwrap();
    let dir = s.path("../e14");
    let out = s.run(
        "",
        &[
            "log",
            "--entry",
            &n,
            "--export-signed",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with(&format!("wrote entry {n} by `alice` to ")),
        "{}",
        out.stderr
    );
    let entry = std::fs::read_to_string(dir.join("entry")).unwrap();
    assert!(entry.contains(&format!("\"record\":\"{id}\"")), "{entry}");
    let sig = dir.join("entry.sig");
    let args = |who: &'static str| {
        vec![
            "-Y",
            "verify",
            "-f",
            signers.to_str().unwrap(),
            "-I",
            who,
            "-n",
            "docket",
            "-s",
            sig.to_str().unwrap(),
        ]
    };
    let good = ssh_keygen(&args("alice"), &dir.join("entry"));
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(String::from_utf8_lossy(&good.stdout).contains("Good \"docket\" signature for alice"));
    // Another actor did not sign it, and an altered entry fails.
    assert!(
        !ssh_keygen(&args("bob"), &dir.join("entry"))
            .status
            .success()
    );
    let altered = dir.join("altered");
    std::fs::write(&altered, entry.replace("\"alice\"", "\"bob\"")).unwrap();
    assert!(!ssh_keygen(&args("alice"), &altered).status.success());
    // A transaction of several entries (the genesis) is signed once, over all of them.
    let dir1 = s.path("../e1");
    s.ok(
        "",
        &[
            "log",
            "--entry",
            "1",
            "--export-signed",
            dir1.to_str().unwrap(),
        ],
    );
    let sig1 = dir1.join("entry.sig");
    let root = ssh_keygen(
        &[
            "-Y",
            "verify",
            "-f",
            signers.to_str().unwrap(),
            "-I",
            "root",
            "-n",
            "docket",
            "-s",
            sig1.to_str().unwrap(),
        ],
        &dir1.join("entry"),
    );
    assert!(
        root.status.success(),
        "{}",
        String::from_utf8_lossy(&root.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir1.join("entry"))
            .unwrap()
            .lines()
            .count(),
        3
    );
}

#[test]
#[ignore = "needs OpenSSH's ssh-keygen; .ci/run runs it"]
fn acting_without_the_registered_key_is_refused() {
    let s = TestStore::new();
    let create = with_sets(&["--as", "alice", "create", "customer"], &["name=x"]);
    let run = |identity: Option<&Path>| {
        let mut c = docket();
        c.current_dir(s.root())
            .env("XDG_STATE_HOME", s.state())
            .args(strs(&create));
        if let Some(k) = identity {
            c.env("DOCKET_IDENTITY", k);
        }
        let before = s.snapshot();
        let out = c.output().unwrap();
        assert_eq!(before, s.snapshot(), "nothing written");
        assert_eq!(out.status.code(), Some(DENIED));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = run(None);
    assert!(err.starts_with("error: no key to sign with: actor `alice` signs with the key registered for them, SHA256:"), "{err}");
    assert!(err.ends_with("hint: pass --identity FILE (or set DOCKET_IDENTITY), or add the key to a running ssh-agent\n"), "{err}");
    let err = run(Some(&s.key("bob")));
    assert!(err.contains("holds key SHA256:"), "{err}");
    assert!(
        err.contains(", but actor `alice` is registered with SHA256:"),
        "{err}"
    );
    assert!(err.contains("hint: act as `alice` with their own key; an administrator rotates keys with `docket actor update alice --key FILE.pub`"), "{err}");
    let err = run(Some(&s.path("../keys/nobody")));
    assert!(
        err.starts_with("error: cannot read the identity file "),
        "{err}"
    );
    let public = s.path("../keys/alice-public-copy");
    std::fs::copy(s.path("../keys/alice.pub"), &public).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o600)).unwrap();
    let err = run(Some(&public));
    assert!(err.contains("is not an OpenSSH private key"), "{err}");
    // A passphrase-protected key works only through an agent.
    let locked = s.path("../keys/locked");
    let made = Sh::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "secret", "-f"])
        .arg(&locked)
        .status()
        .unwrap();
    assert!(made.success());
    let pubkey = format!("{}.pub", locked.display());
    let proposed = s.ok("root", &["actor", "update", "alice", "--key", &pubkey]);
    s.cosign("actor", &proposed);
    let err = run(Some(&locked));
    assert!(
        err.contains("is protected by a passphrase and no ssh-agent holds it"),
        "{err}"
    );
    assert!(err.contains("hint: run `ssh-add "), "{err}");
}

/// A private key file others may read is refused, as OpenSSH refuses it, in both
/// languages; made the owner's alone, it signs.
#[test]
fn a_private_key_others_may_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let s = TestStore::new();
    let key = s.key("alice");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let args = with_sets(&["create", "customer"], &["name=x"]);
    let err = s.fails_unchanged("alice", &strs(&args), DENIED);
    let shown = key.display();
    assert_eq!(
        err,
        format!(
            "error: {shown}: permissions 0644 let others read this private key, so anyone who can read it could sign as you; docket, like OpenSSH, refuses it\nhint: make it readable by you alone: chmod 600 {shown}\n"
        )
    );
    let zh = s
        .cmd("alice", &strs(&args))
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&zh.stderr)
            .starts_with(&format!("错误：{shown}：权限 0644 允许他人读取这个私钥")),
        "{}",
        String::from_utf8_lossy(&zh.stderr)
    );
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert!(
        s.fails_unchanged("alice", &strs(&args), DENIED)
            .contains("permissions 0640")
    );
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    s.ok("alice", &["query"]);
}

/// An ssh-agent for one test, killed when dropped.
struct Agent {
    sock: std::path::PathBuf,
    pid: String,
}

impl Agent {
    fn start(dir: &Path) -> Agent {
        let sock = dir.join("agent.sock");
        let out = Sh::new("ssh-agent").arg("-a").arg(&sock).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let pid = text
            .split("SSH_AGENT_PID=")
            .nth(1)
            .and_then(|t| t.split(';').next())
            .expect("ssh-agent prints its pid")
            .to_string();
        Agent { sock, pid }
    }

    fn add(&self, key: &Path) {
        let ok = Sh::new("ssh-add")
            .arg(key)
            .env("SSH_AUTH_SOCK", &self.sock)
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = Sh::new("kill").arg(&self.pid).status();
    }
}

#[test]
#[ignore = "needs OpenSSH's ssh-agent and ssh-add; .ci/run runs it"]
fn an_ssh_agent_holding_the_key_signs() {
    let s = TestStore::new();
    let agent = Agent::start(&s.path(".."));
    let act = |who: &str| {
        docket()
            .current_dir(s.root())
            .env("XDG_STATE_HOME", s.state())
            .env("SSH_AUTH_SOCK", &agent.sock)
            .args(strs(&with_sets(&["--as", who, "create", "customer"], &[])))
            .output()
            .unwrap()
    };
    // The agent holds bob's key and an RSA key only: alice cannot act through it.
    agent.add(&s.key("bob"));
    let rsa = s.path("../keys/agent-rsa");
    assert!(
        Sh::new("ssh-keygen")
            .args(["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f"])
            .arg(&rsa)
            .status()
            .unwrap()
            .success()
    );
    agent.add(&rsa);
    let out = act("alice");
    assert_eq!(out.status.code(), Some(DENIED));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: the ssh-agent holds no key registered for `alice`: actor `alice` signs with the key registered for them, SHA256:"), "{err}");
    agent.add(&s.key("alice"));
    let out = docket()
        .current_dir(s.root())
        .env("XDG_STATE_HOME", s.state())
        .env("SSH_AUTH_SOCK", &agent.sock)
        .args(["--as", "alice", "show", "CUS-2026-000001"])
        .args(["--reveal", "--purpose", "agent test"])
        .output()
        .unwrap();
    // No such record yet, but the key was found: the failure is the record's.
    assert_eq!(
        out.status.code(),
        Some(INVALID),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = s.residential();
    let out = docket()
        .current_dir(s.root())
        .env("XDG_STATE_HOME", s.state())
        .env("SSH_AUTH_SOCK", &agent.sock)
        .args([
            "--as",
            "alice",
            "show",
            &id,
            "--reveal",
            "--purpose",
            "agent test",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

#[test]
#[ignore = "needs OpenSSH's ssh-keygen; .ci/run runs it"]
fn public_keys_are_checked_when_registered() {
    let s = TestStore::new();
    for (key, problem) in [
        ("ssh-ed25519 AAAAnotbase64", "not an OpenSSH public key"),
        ("no-such-file.pub", "cannot read the public key file"),
    ] {
        let err = s.fails_unchanged(
            "root",
            &["actor", "add", "carol", "--role", "finance", "--key", key],
            INVALID,
        );
        assert!(
            err.starts_with(&format!("error: --key {key}: {problem}")),
            "{err}"
        );
        assert!(err.contains("hint: "), "{err}");
    }
    let rsa = s.path("../keys/rsa");
    assert!(
        Sh::new("ssh-keygen")
            .args(["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f"])
            .arg(&rsa)
            .status()
            .unwrap()
            .success()
    );
    let err = s.fails_unchanged(
        "root",
        &[
            "actor",
            "add",
            "carol",
            "--role",
            "finance",
            "--key",
            &format!("{}.pub", rsa.display()),
        ],
        INVALID,
    );
    assert!(
        err.contains("a `ssh-rsa` key; docket registers Ed25519 keys only"),
        "{err}"
    );
    // docket reads ECDSA keys only to refuse them by name.
    let ecdsa = s.path("../keys/ecdsa");
    assert!(
        Sh::new("ssh-keygen")
            .args(["-q", "-t", "ecdsa", "-N", "", "-f"])
            .arg(&ecdsa)
            .status()
            .unwrap()
            .success()
    );
    let err = s.fails_unchanged(
        "root",
        &[
            "actor",
            "add",
            "carol",
            "--role",
            "finance",
            "--key",
            &format!("{}.pub", ecdsa.display()),
        ],
        INVALID,
    );
    assert!(
        err.contains("a `ecdsa-sha2-nistp256` key; docket registers Ed25519 keys only"),
        "{err}"
    );
    // One key, one actor.
    let err = s.fails_unchanged(
        "root",
        &[
            "actor",
            "add",
            "carol",
            "--role",
            "finance",
            "--key",
            &s.pubkey("alice"),
        ],
        INVALID,
    );
    assert!(err.contains("is already registered for `alice`"), "{err}");
}

#[test]
fn a_rotated_key_keeps_old_entries_valid_and_signs_nothing_new() {
    let s = TestStore::new();
    s.residential();
    let old = s.key("alice");
    let kept = s.path("../keys/alice-old");
    std::fs::rename(&old, &kept).unwrap();
    std::fs::remove_file(s.path("../keys/alice.pub")).unwrap();
    // Another actor's key changes only with two administrators.
    let proposed = s.ok(
        "root",
        &["actor", "update", "alice", "--key", &s.pubkey("alice")],
    );
    s.cosign("actor", &proposed);
    s.residential();
    let out = docket()
        .current_dir(s.root())
        .env("XDG_STATE_HOME", s.state())
        .env("DOCKET_IDENTITY", &kept)
        .args(strs(&with_sets(
            &["--as", "alice", "create", "customer"],
            &[],
        )))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(DENIED));
    // A fresh machine checks every signature against the key of its time.
    std::fs::remove_dir_all(s.state()).unwrap();
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
    let signers = s.ok("", &["actor", "allowed-signers"]);
    assert_eq!(
        signers
            .matches("alice namespaces=\"docket\" ssh-ed25519 ")
            .count(),
        2,
        "{signers}"
    );
}

#[test]
fn nobody_changes_their_own_role_and_an_administrator_remains() {
    let s = TestStore::new();
    // The only administrator can neither demote nor revoke themself.
    let err = s.fails_unchanged(
        "root",
        &["actor", "update", "root", "--role", "auditor"],
        DENIED,
    );
    assert_eq!(
        err,
        "error: actor `root` may not change their own role\nhint: another administrator must\n"
    );
    let err = s.fails_unchanged(
        "root",
        &["actor", "revoke", "root", "--reason", "x"],
        CONFLICT,
    );
    assert!(err.contains("cannot revoke themself"), "{err}");
    // Demoting an administrator takes two others: the one demoted co-signs nothing about
    // themself.
    s.add_actor("root3", "admin");
    let proposed = s.ok("root2", &["actor", "update", "root", "--role", "auditor"]);
    let err = s.fails_unchanged("root", &["actor", "approve", proposed.trim()], DENIED);
    assert_eq!(
        err,
        "error: `root` co-signed a change to their own register entry: a second administrator other than them must\nhint: another administrator must\n"
    );
    s.ok("root3", &["actor", "approve", proposed.trim()]);
    let err = s.fails_unchanged(
        "root",
        &["actor", "update", "root2", "--role", "auditor"],
        DENIED,
    );
    assert!(err.contains("may not manage the staff register"), "{err}");
    // Nobody certifies their own training: another administrator records it.
    let err = s.fails_unchanged(
        "root2",
        &["actor", "update", "root2", "--trained-on", "2026-02-01"],
        DENIED,
    );
    assert!(
        err.starts_with(
            "error: `root2` may not move themself or record their own agreement or training"
        ),
        "{err}"
    );
    s.ok(
        "root3",
        &["actor", "update", "root2", "--trained-on", "2026-02-01"],
    );
}

/// An actor rotates their own key alone, signing with the one it replaces; the old key
/// signs nothing afterwards, and no key is ever accepted twice.
#[test]
fn an_actor_rotates_their_own_key_and_no_key_comes_back() {
    let s = TestStore::new();
    let old = s.key("alice");
    let kept = s.path("../keys/alice-old");
    std::fs::copy(&old, &kept).unwrap();
    let old_pub = s.pubkey("alice");
    let old_line = std::fs::read_to_string(&old_pub).unwrap();
    std::fs::copy(&old_pub, s.path("../keys/alice-old.pub")).unwrap();
    let fresh = keygen(&s.path("../keys"), "alice-new");
    s.ok(
        "alice",
        &[
            "actor",
            "update",
            "alice",
            "--key",
            &format!("{}.pub", fresh.display()),
        ],
    );
    std::fs::copy(&fresh, &old).unwrap();
    s.residential();
    // Putting the old key back is refused, for her and for anyone else.
    let err = s.fails_unchanged(
        "alice",
        &["actor", "update", "alice", "--key", old_line.trim()],
        INVALID,
    );
    assert!(err.contains("is already registered for `alice`"), "{err}");
    let err = s.fails_unchanged(
        "root",
        &[
            "actor",
            "add",
            "carl",
            "--role",
            "business-staff",
            "--key",
            old_line.trim(),
        ],
        INVALID,
    );
    assert!(err.contains("is already registered for `alice`"), "{err}");
    fresh_machine(&s);
    assert!(s.ok("", &["verify"]).starts_with("ok:"));
}

/// A fresh machine: no witness of the log, so only the signatures can tell.
fn fresh_machine(s: &TestStore) {
    let _ = std::fs::remove_dir_all(s.state());
}

#[test]
fn an_entry_signed_with_someone_elses_key_is_caught() {
    let s = TestStore::new();
    s.residential();
    let log = s.log_text();
    let n = log.lines().count();
    // bob rewrites alice's entry (the last) and signs it with his own key.
    let forged = forge_log(
        &log,
        n,
        &|_, e| {
            if e["action"] == "create" {
                e["detail"]["status"] = "active".into();
            }
        },
        &|_| Some(s.key("bob")),
    );
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    fresh_machine(&s);
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(
        err.contains(&format!(
            "records/audit.log:{n}: the signature is not by `alice`'s registered key (SHA256:"
        )),
        "{err}"
    );
    s.fails("alice", &["query"], INTEGRITY);
    // Unsigned entries are caught too.
    let unsigned = forge_log(&log, n, &|_, _| {}, &|_| None);
    std::fs::write(s.path("records/audit.log"), unsigned).unwrap();
    fresh_machine(&s);
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(
        err.contains(&format!(
            "records/audit.log:{n}: the transaction is not signed"
        )),
        "{err}"
    );
}

#[test]
fn an_actor_cannot_sign_themself_into_another_role() {
    let s = TestStore::new();
    let log = s.log_text();
    let n = log.lines().count();
    // alice appends an entry of her own, signed with her own key, making her an admin.
    let v1 = std::fs::read_to_string(s.path("records/_actors/alice/v0001.toml")).unwrap();
    let file = s.write_by_hand(
        "records/_actors/alice/v0002.toml",
        &v1.replace("version = 1", "version = 2")
            .replace("business-staff", "admin"),
    );
    let forged_entry = serde_json::json!({
        "seq": n + 1, "time": NOW_LOCAL, "actor": "alice", "role": "business-staff",
        "action": "actor-update", "record": "alice", "version": 2, "files": [file],
        "detail": {"role": "admin"},
    });
    let body = serde_json::to_string(&forged_entry).unwrap();
    let last_hash = &log.lines().last().unwrap()[..64];
    let appended = format!("{log}{} {last_hash} {body} -\n", "0".repeat(64));
    let text = forge_log(&appended, n + 1, &|_, _| {}, &|a| Some(s.key(a)));
    std::fs::write(s.path("records/audit.log"), &text).unwrap();
    fresh_machine(&s);
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(
        err.contains(&format!(
            "records/audit.log:{}: `alice` (role business-staff) may not manage the staff register",
            n + 1
        )),
        "{err}"
    );
    assert!(
        err.contains("actor `alice` changed their own role"),
        "{err}"
    );
    // …and she cannot claim the admin role in the entry either.
    let claimed = forge_log(&appended, n + 1, &|_, e| e["role"] = "admin".into(), &|a| {
        Some(s.key(a))
    });
    std::fs::write(s.path("records/audit.log"), &claimed).unwrap();
    fresh_machine(&s);
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(
        err.contains("the entry names role `admin`, but `alice` holds role `business-staff` here"),
        "{err}"
    );
}

#[test]
fn a_clock_behind_the_log_is_told_and_a_backdated_entry_is_caught() {
    let mut s = TestStore::new();
    // A second behind the last entry is within the policy's skew: nothing to say.
    s.now = "2026-03-01T08:59:59Z".into();
    let out = s.run(
        "alice",
        &strs(&with_sets(&["create", "customer"], &["name=x"])),
    );
    assert_eq!(out.code, INVALID, "{}", out.stderr);
    assert!(!out.stderr.contains("clock"), "{}", out.stderr);
    // An hour behind: the act is written, dated by this machine, with a warning; the
    // entry is then named as backdated.
    s.now = "2026-03-01T08:00:00Z".into();
    let out = s.run(
        "alice",
        &strs(&with_sets(&["create", "customer"], &["name=x"])),
    );
    assert!(
        out.stderr.starts_with("warning: this machine's clock says 2026-03-01T16:00:00+08:00, earlier than the last audit entry (2026-03-01T17:00:00+08:00)"),
        "{}",
        out.stderr
    );
    s.now = NOW.into();
    s.residential();
    // alice backdates her own entry and signs it with her own key.
    let log = s.log_text();
    let n = log.lines().count();
    let forged = forge_log(
        &log,
        n,
        &|_, e| e["time"] = "2026-02-01T10:00:00+08:00".into(),
        &|a| Some(s.key(a)),
    );
    std::fs::write(s.path("records/audit.log"), forged).unwrap();
    fresh_machine(&s);
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(err.contains(&format!("records/audit.log:{n}: the entry is dated 2026-02-01T10:00:00+08:00, earlier than the entry before it (2026-03-01T17:00:00+08:00): it was backdated")), "{err}");
}

#[test]
fn a_cut_log_and_a_rewritten_log_are_caught_by_the_next_run() {
    let s = TestStore::new();
    let id = s.residential();
    let full = s.log_text();
    let n = full.lines().count();
    // Cut the last entry together with the file it logged.
    let cut: String = full.lines().take(n - 1).map(|l| format!("{l}\n")).collect();
    std::fs::write(s.path("records/audit.log"), &cut).unwrap();
    std::fs::remove_file(s.path(&format!("records/customer/2026/000/{id}.v0001.toml"))).unwrap();
    let err = s.fails("alice", &["query"], INTEGRITY);
    assert!(err.starts_with(&format!("error: integrity check failed: records/audit.log: truncated behind entry {n}: this machine verified {n} entries (head ")), "{err}");
    assert!(
        err.contains(&format!("the log now ends at entry {}", n - 1)),
        "{err}"
    );
    assert!(err.contains("move this file aside to accept it"), "{err}");
    let err = s.fails("", &["verify"], INTEGRITY);
    assert!(err.contains("truncated behind entry"), "{err}");
    // Rewrite the whole chain from genesis with keys the attacker holds: every signature
    // checks out, but this machine saw another history.
    let rewritten = forge_log(
        &full,
        1,
        &|_, e| {
            if e["action"] == "genesis" {
                e["detail"]["store"] = "another".into();
            }
        },
        &|a| Some(s.key(a)),
    );
    std::fs::write(s.path("records/audit.log"), &rewritten).unwrap();
    let err = s.fails("alice", &["query"], INTEGRITY);
    assert!(err.contains(&format!("forked at entry {n}")), "{err}");
}

#[test]
fn a_forked_log_names_the_entry_and_an_unreadable_checkpoint_is_not_tampering() {
    let s = TestStore::new();
    let id = s.residential();
    s.ok(
        "alice",
        &["amend", &id, "--set", "meter_number=M1", "--reason", "r"],
    );
    let log = s.log_text();
    let n = log.lines().count();
    // Replace the last entry by another one, properly signed by its actor.
    let forked = forge_log(
        &log,
        n,
        &|_, e| e["detail"]["reason"] = "other".into(),
        &|a| Some(s.key(a)),
    );
    std::fs::write(s.path("records/audit.log"), &forked).unwrap();
    let err = s.fails("alice", &["query"], INTEGRITY);
    assert!(err.contains(&format!("records/audit.log:{n}: forked at entry {n}: this is not the entry this machine verified there")), "{err}");
    std::fs::write(s.path("records/audit.log"), &log).unwrap();
    s.ok("alice", &["query"]);
    // A damaged checkpoint is reported as this machine's problem, exit 1.
    let file = std::fs::read_dir(s.state().join("docket"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("this machine's witness of the store");
    std::fs::write(&file, "{ not json").unwrap();
    let err = s.fails("alice", &["query"], IO);
    assert!(
        err.contains("this machine's checkpoint of the store cannot be read"),
        "{err}"
    );
    assert!(
        err.contains("hint: it is this machine's memory of the log, not part of the store"),
        "{err}"
    );
}

/// How a stand-in ssh-agent answers a request to sign.
#[derive(Clone, Copy)]
enum Answer {
    /// SSH_AGENT_FAILURE, as an agent whose user declines.
    Refuse,
    /// A valid signature by a key that is not the one asked for.
    WrongKey,
}

/// A stand-in ssh-agent on `sock` that holds `held` (the public key lists) and answers
/// every request to sign with `answer`; an unknown request gets a message that is no
/// answer at all.
fn stand_in_agent(sock: &Path, held: &Path, answer: Answer) {
    use ssh_encoding::Encode;
    use std::io::{Read, Write};
    let public = ssh_key::PublicKey::read_openssh_file(held).unwrap();
    let other =
        ssh_key::PrivateKey::random(&mut ssh_key::rand_core::OsRng, ssh_key::Algorithm::Ed25519)
            .unwrap();
    let string = |out: &mut Vec<u8>, bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(bytes);
    };
    let mut blob = Vec::new();
    public.key_data().encode(&mut blob).unwrap();
    let listener = std::os::unix::net::UnixListener::bind(sock).unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            loop {
                let mut len = [0u8; 4];
                if conn.read_exact(&mut len).is_err() {
                    break;
                }
                let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
                conn.read_exact(&mut body).unwrap();
                let mut reply = Vec::new();
                match (body[0], answer) {
                    (11, _) => {
                        reply.push(12);
                        reply.extend_from_slice(&1u32.to_be_bytes());
                        string(&mut reply, &blob);
                        string(&mut reply, b"stand-in");
                    }
                    (13, Answer::Refuse) => reply.push(5),
                    (13, Answer::WrongKey) => {
                        // The data to sign follows the key blob in the request.
                        let key_len = u32::from_be_bytes(body[1..5].try_into().unwrap()) as usize;
                        let at = 5 + key_len;
                        let data_len =
                            u32::from_be_bytes(body[at..at + 4].try_into().unwrap()) as usize;
                        let data = &body[at + 4..at + 4 + data_len];
                        let sig: ssh_key::Signature =
                            signature::Signer::try_sign(&other, data).unwrap();
                        let mut sig_blob = Vec::new();
                        sig.encode(&mut sig_blob).unwrap();
                        reply.push(14);
                        string(&mut reply, &sig_blob);
                    }
                    _ => reply.extend_from_slice(&[99, 1, 2, 3]),
                }
                let mut message = Vec::new();
                string(&mut message, &reply);
                if conn.write_all(&message).is_err() {
                    break;
                }
            }
        }
    });
}

/// docket speaks the ssh-agent protocol itself (two requests): an agent that declines to
/// sign, or answers with another key's signature, is refused with what happened, in
/// either language, and nothing is written.
#[test]
fn an_agent_that_declines_or_signs_with_another_key_is_refused_in_both_languages() {
    let s = TestStore::new();
    for (answer, en_says, zh_says) in [
        (
            Answer::Refuse,
            "error: the ssh-agent refused to sign: the agent answered that it cannot (it does not hold the key, or its user declined)\n\
             hint: check that the agent still holds the key (`ssh-add -l`)\n",
            "错误：ssh-agent 拒绝签名：ssh-agent 答复无法办理（它没有持有该密钥，或其使用者拒绝了）\n\
             提示：请检查 ssh-agent 是否仍持有该密钥（`ssh-add -l`）\n",
        ),
        (
            Answer::WrongKey,
            "error: the ssh-agent refused to sign: the agent's signature does not verify with the registered key\n\
             hint: check that the agent still holds the key (`ssh-add -l`)\n",
            "错误：ssh-agent 拒绝签名：ssh-agent 给出的签名无法用登记的密钥验证\n\
             提示：请检查 ssh-agent 是否仍持有该密钥（`ssh-add -l`）\n",
        ),
    ] {
        let sock = s.path(&format!("../agent-{}.sock", en_says.len()));
        stand_in_agent(&sock, Path::new(&s.pubkey("alice")), answer);
        let before = s.snapshot();
        for (lang, says) in [("C.UTF-8", en_says), ("zh_CN.UTF-8", zh_says)] {
            let out = docket()
                .current_dir(s.root())
                .env("XDG_STATE_HOME", s.state())
                .env("SSH_AUTH_SOCK", &sock)
                .env("LANG", lang)
                .args(["--as", "alice", "query", "customer"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(DENIED));
            assert_eq!(String::from_utf8_lossy(&out.stderr), says);
        }
        assert!(s.snapshot() == before, "nothing was written");
    }
}
