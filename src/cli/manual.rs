//! The sections of `docket.1` that clap cannot write from the command definitions: what
//! each exit code means, the environment docket reads and the files it keeps.

use docket::t;

/// Exit codes and what each means (README "Exit codes").
fn exit_codes() -> Vec<(&'static str, String)> {
    vec![
        ("0", t!("man-exit-ok")),
        ("1", t!("man-exit-io")),
        ("2", t!("man-exit-usage")),
        ("3", t!("man-exit-integrity")),
        ("4", t!("man-exit-denied")),
        ("5", t!("man-exit-invalid")),
        ("6", t!("man-exit-conflict")),
        ("130", t!("man-exit-interrupted")),
    ]
}

/// The environment docket reads.
fn environment() -> Vec<(&'static str, String)> {
    vec![
        ("DOCKET_STORE", t!("man-env-store")),
        ("DOCKET_ACTOR", t!("man-env-actor")),
        ("DOCKET_IDENTITY", t!("man-env-identity")),
        ("SSH_AUTH_SOCK", t!("man-env-agent")),
        ("LANG", t!("man-env-locale")),
        ("XDG_STATE_HOME", t!("man-env-state")),
        ("XDG_DATA_HOME", t!("man-env-data")),
        ("COLUMNS", t!("man-env-columns")),
    ]
}

/// The files of a store and of a machine.
fn files() -> Vec<(&'static str, String)> {
    vec![
        ("docket.toml", t!("man-file-config")),
        ("schemas/", t!("man-file-schemas")),
        ("records/audit.log", t!("man-file-log")),
        ("records/KIND/ID/vNNNN.toml", t!("man-file-versions")),
        ("records/.quarantine/", t!("man-file-quarantine")),
        ("$XDG_STATE_HOME/docket/", t!("man-file-state")),
    ]
}

/// Text as roff takes it: a backslash doubled, a line never starting with `.` or `'`.
fn roff(text: &str) -> String {
    let text = text.replace('\\', "\\\\");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}

fn section(title: &str, items: &[(&str, String)]) -> String {
    let mut out = format!(".SH \"{}\"\n", roff(title));
    for (term, text) in items {
        out.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff(term), roff(text)));
    }
    out
}

/// The EXIT STATUS, ENVIRONMENT and FILES sections, in the language of the run.
pub fn sections() -> String {
    [
        section(&t!("man-exit-status"), &exit_codes()),
        section(&t!("man-environment"), &environment()),
        section(&t!("man-files"), &files()),
    ]
    .concat()
}
