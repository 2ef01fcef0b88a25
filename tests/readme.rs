//! The READMEs run: every `sh` block after the first (which builds docket and runs these
//! tests) is executed as written, in order, on a copy of this repository's demo store,
//! with the real clock: README.md in an English locale, README.zh-CN.md in a Chinese one.
//! Each command must exit 0, or the code its `# → exit N` line says.

mod common;
use std::path::{Path, PathBuf};

/// One command of a block: its text (continuation lines joined), its README line and the
/// exit code the README promises.
struct Step {
    line: usize,
    text: String,
    exit: i32,
}

/// The `sh` blocks of the README, each with the line it starts on.
fn sh_blocks(readme: &str) -> Vec<(usize, Vec<(usize, String)>)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, Vec<(usize, String)>)> = None;
    for (i, line) in readme.lines().enumerate() {
        let n = i + 1;
        match (&mut current, line.trim_start()) {
            (None, "```sh") => current = Some((n, Vec::new())),
            (Some(_), "```") => blocks.push(current.take().unwrap()),
            (Some((_, lines)), _) => lines.push((n, line.to_string())),
            (None, _) => {}
        }
    }
    blocks
}

/// Commands: `\` continues a line, a `for … do` runs to its `done`, a `# → exit N` line
/// sets the exit code expected of the command before it.
fn steps(lines: &[(usize, String)]) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    let mut open: Option<Step> = None;
    let mut depth = 0i32;
    for (n, line) in lines {
        let trimmed = line.trim();
        if open.is_none() {
            if let Some(code) = trimmed.strip_prefix("# → exit ") {
                let code: String = code.chars().take_while(char::is_ascii_digit).collect();
                out.last_mut().expect("an exit line follows a command").exit =
                    code.parse().unwrap();
                continue;
            }
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
        }
        let step = open.get_or_insert_with(|| Step {
            line: *n,
            text: String::new(),
            exit: 0,
        });
        step.text.push_str(line);
        step.text.push('\n');
        if trimmed.starts_with("for ") || trimmed.starts_with("while ") {
            depth += 1;
        }
        if trimmed == "done" || trimmed.starts_with("done ") {
            depth -= 1;
        }
        if !trimmed.ends_with('\\') && depth == 0 {
            out.push(open.take().unwrap());
        }
    }
    assert!(open.is_none(), "a command runs off the end of its block");
    out
}

/// A bash script running `steps` and stopping at the first unexpected exit code; on
/// `day`, if given, for docket and for `date` alike.
fn script(steps: &[Step], bin: &Path, day: Option<&str>) -> String {
    // `cargo install` is cargo's own job, tested by cargo: here it puts the binary under
    // test where it would put docket, on PATH, for the git hook to find.
    let mut s = format!(
        "docket() {{ '{bin}' \"$@\"; }}\n\
         cargo() {{ if [ \"$1\" = install ]; then mkdir -p \"$HOME/.cargo/bin\" && cp '{bin}' \"$HOME/.cargo/bin/docket\"; else command cargo \"$@\"; fi; }}\n\
         export PATH=\"$HOME/.cargo/bin:$PATH\"\n\
         trap '[ -n \"${{SSH_AGENT_PID:-}}\" ] && kill $SSH_AGENT_PID 2>/dev/null' EXIT\n",
        bin = bin.display()
    );
    if let Some(day) = day {
        s.push_str(&format!(
            "export DOCKET_NOW={day}T09:00:00Z\ndate() {{ command date -d {day} \"$@\"; }}\n"
        ));
    }
    for step in steps {
        s.push_str(&step.text);
        s.push_str(&format!(
            "rc=$?; if [ $rc -ne {} ]; then echo \"line {}: exit $rc, the README says {}\" >&2; exit 99; fi\n",
            step.exit, step.line, step.exit
        ));
    }
    s
}

/// A copy of the repository's store and demo files as a fresh clone has them: the files
/// git tracks.
fn copy_repo(to: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = std::process::Command::new("git")
        .args([
            "ls-files",
            "-z",
            "docket.toml",
            "schemas",
            "records",
            "demo",
        ])
        .current_dir(repo)
        .output()
        .expect("git lists the repository's files");
    assert!(listed.status.success(), "git ls-files failed");
    for rel in String::from_utf8(listed.stdout)
        .unwrap()
        .split_terminator('\0')
    {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(repo.join(rel), &target).unwrap();
    }
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_docket"))
}

const ENGLISH: (&str, &str) = ("README.md", "C.UTF-8");
const CHINESE: (&str, &str) = ("README.zh-CN.md", "zh_CN.UTF-8");

#[test]
#[ignore = "needs OpenSSH (the walk-through's ssh-agent and ssh-keygen); .ci/run runs it"]
fn the_readme_runs_as_written() {
    run_readme(ENGLISH, None);
}

/// Nothing in the README is tied to the year it was written in: its ids are captured, its
/// training dates are the day it is run, the demo's training lasts ten years.
#[test]
#[ignore = "needs OpenSSH (the walk-through's ssh-agent and ssh-keygen); .ci/run runs it"]
fn the_readme_runs_as_written_two_years_from_now() {
    let day = (chrono::Local::now().date_naive() + chrono::Days::new(730)).to_string();
    run_readme(ENGLISH, Some(&day));
}

#[test]
#[ignore = "needs OpenSSH (the walk-through's ssh-agent and ssh-keygen); .ci/run runs it"]
fn the_chinese_readme_runs_as_written() {
    run_readme(CHINESE, None);
}

#[test]
#[ignore = "needs OpenSSH (the walk-through's ssh-agent and ssh-keygen); .ci/run runs it"]
fn the_chinese_readme_runs_as_written_two_years_from_now() {
    let day = (chrono::Local::now().date_naive() + chrono::Days::new(730)).to_string();
    run_readme(CHINESE, Some(&day));
}

/// Both READMEs begin with the same two commands: a build that runs the main job on the
/// demo store, and the tests.
#[test]
fn both_readmes_start_with_the_same_two_commands() {
    let first = |name: &str| {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap();
        let (_, lines) = sh_blocks(&text).into_iter().next().unwrap();
        lines
            .iter()
            .map(|(_, l)| l.split('#').next().unwrap().trim().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(first("README.md"), first("README.zh-CN.md"));
}

/// The walk-throughs run one at a time: each starts its own ssh-agent and runs dozens of
/// commands, and in parallel they would only slow each other down.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn run_readme((name, lang): (&str, &str), day: Option<&str>) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap();
    let blocks = sh_blocks(&readme);
    assert!(
        blocks.len() >= 4,
        "the quick start, tour, walk-through and import blocks"
    );
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_repo(&repo);
    let mut ran = 0;
    // The first block builds docket and runs these tests: CI runs it.
    for (start, lines) in blocks.iter().skip(1) {
        let steps = steps(lines);
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(script(&steps, &bin(), day))
            .current_dir(&repo)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap())
            .env("HOME", dir.path())
            .env("TMPDIR", dir.path())
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("LANG", lang)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the {name} block at line {start} failed ({day:?}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ran += steps.len();
    }
    assert!(ran > 30, "only {ran} commands ran");
}

#[test]
fn the_readme_harness_reads_continuations_loops_and_exit_lines() {
    let lines: Vec<(usize, String)> = [
        "# a comment",
        "a --x \\",
        "  --y",
        "# → exit 4: refused",
        "for w in a b; do",
        "  echo $w",
        "done",
        "b",
    ]
    .iter()
    .enumerate()
    .map(|(i, l)| (i + 1, l.to_string()))
    .collect();
    let got: Vec<(usize, String, i32)> = steps(&lines)
        .into_iter()
        .map(|s| (s.line, s.text, s.exit))
        .collect();
    assert_eq!(
        got,
        [
            (2, "a --x \\\n  --y\n".to_string(), 4),
            (5, "for w in a b; do\n  echo $w\ndone\n".to_string(), 0),
            (8, "b\n".to_string(), 0),
        ]
    );
}
