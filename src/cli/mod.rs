//! The command line: clap definitions, opening the store for each command, and turning
//! typed errors into messages and exit codes. The only place that prints.

use docket::t;
/// One line on stderr, control characters escaped (a value typed by a user never drives
/// the terminal or fakes a line).
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::cli::output::terminal_safe(&format!($($arg)*)).replace('\n', "\\n"))
    };
}

mod about;
mod admin;
mod complete;
mod contracts;
mod examples;
mod fit;
mod lang;
mod localize;
mod manual;
mod output;
mod records;
mod sites;
mod subject;
mod transfer;

use clap::{Args, Parser, Subcommand};
use docket::error::{Error, Result};
use docket::keys::KeySource;
use docket::session::{Options, Session, Writer};
use docket::store::Store;
use output::Format;
use std::path::PathBuf;

/// docket — customer records and contracts as versioned TOML files, with approvals,
/// archiving, masked personal data and a hash-chained audit log checked on every run.
#[derive(Parser)]
#[command(name = "docket", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
pub struct Global {
    /// The store folder (default: the nearest folder with a docket.toml at or above here)
    #[arg(
        long,
        global = true,
        env = "DOCKET_STORE",
        help_heading = "Global options"
    )]
    store: Option<PathBuf>,
    /// Act as this registered actor
    #[arg(
        long = "as",
        global = true,
        env = "DOCKET_ACTOR",
        value_name = "ACTOR",
        help_heading = "Global options"
    )]
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(complete::actors))]
    actor: Option<String>,
    /// The actor's OpenSSH private key file, to sign acts (default: the ssh-agent)
    #[arg(
        long,
        global = true,
        env = "DOCKET_IDENTITY",
        value_name = "FILE",
        help_heading = "Global options"
    )]
    identity: Option<PathBuf>,
    /// The output format of a data command (set from its own `--format`)
    #[arg(skip = Format::Table)]
    format: Format,
    /// Say nothing on stderr but errors and warnings
    #[arg(long, short, global = true, help_heading = "Global options")]
    quiet: bool,
    /// The language to speak: en or zh-CN (default: the locale, else the store's ui.language)
    #[arg(long, global = true, value_name = "LANG", value_parser = ["en", "zh-CN"], help_heading = "Global options")]
    lang: Option<String>,
}

/// `--format`, offered only by the commands whose output is data.
#[derive(Args, Clone, Copy)]
pub struct FormatArg {
    /// How to print the data: an aligned table, or JSON, CSV or TOML for scripts
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// `--reveal --purpose TEXT`, shared by the commands that show personal data.
#[derive(Args, Clone, Default)]
pub struct RevealArgs {
    /// Show personal data your role may see, unmasked (logged with the purpose)
    #[arg(long, requires = "purpose")]
    reveal: bool,
    /// Why you need to see it (R-A3); required with --reveal and written to the audit log
    #[arg(long, requires = "reveal")]
    purpose: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new store from the gas-utility template
    #[command(after_help = examples::INIT)]
    Init(admin::InitArgs),
    /// Manage the staff register (admin only)
    #[command(subcommand)]
    Actor(admin::ActorCommand),
    /// Show the record kinds, or one kind's fields, rules and approval steps
    #[command(after_help = examples::TYPES)]
    Types(admin::TypesArgs),
    /// Create a record; prints only the new id
    #[command(after_help = examples::CREATE)]
    Create(records::CreateArgs),
    /// Write a new version of a record
    #[command(after_help = examples::AMEND)]
    Amend(records::AmendArgs),
    /// Show one record
    #[command(after_help = examples::SHOW)]
    Show(records::ShowArgs),
    /// List a record's versions
    #[command(after_help = examples::HISTORY)]
    History(records::HistoryArgs),
    /// Show what changed between two versions
    #[command(after_help = examples::DIFF)]
    Diff(records::DiffArgs),
    /// Find records
    #[command(after_help = examples::QUERY)]
    Query(records::QueryArgs),
    /// Whether a record holds an identity number, without showing anyone's data (logged)
    #[command(after_help = examples::EXISTS)]
    Exists(records::ExistsArgs),
    /// Take the next approval step your role may take
    #[command(after_help = examples::APPROVE)]
    Approve(contracts::ApproveArgs),
    /// Reject a pending record at your step
    #[command(after_help = examples::REJECT)]
    Reject(contracts::RejectArgs),
    /// Withdraw a draft contract you wrote (pending or rejected)
    #[command(after_help = examples::WITHDRAW)]
    Withdraw(contracts::WithdrawArgs),
    /// What waits for your role: approvals, and finished contracts to archive
    #[command(after_help = examples::PENDING)]
    Pending(contracts::PendingArgs),
    /// Mark an active contract as performed
    #[command(after_help = examples::COMPLETE)]
    Complete(contracts::CompleteArgs),
    /// Mark an active contract as no longer performed
    #[command(after_help = examples::TERMINATE)]
    Terminate(contracts::TerminateArgs),
    /// Archive a completed or terminated contract with its papers (archivist only)
    #[command(after_help = examples::ARCHIVE)]
    Archive(contracts::ArchiveArgs),
    /// Retrieve an archived paper (with a logged purpose)
    #[command(subcommand)]
    Attachment(contracts::AttachmentCommand),
    /// Import a CSV file of one kind: all rows or none
    #[command(after_help = examples::IMPORT)]
    Import(transfer::ImportArgs),
    /// Export current records as CSV or JSON (masked unless revealed)
    #[command(after_help = examples::EXPORT)]
    Export(transfer::ExportArgs),
    /// Read the audit log
    #[command(after_help = examples::LOG)]
    Log(admin::LogArgs),
    /// Check the whole store: chain, every file, nothing unlogged or missing
    #[command(after_help = examples::VERIFY)]
    Verify(admin::VerifyArgs),
    /// Move files no audit entry logs (left by a crash) into records/.quarantine/
    #[command(after_help = examples::RECOVER)]
    Recover,
    /// Git hooks that keep the audit log honest
    #[command(subcommand)]
    Hook(admin::HookCommand),
    /// Which office (site) this clone writes as, and making a clone one
    #[command(subcommand)]
    Site(sites::SiteCommand),
    /// What the store holds about one customer, for the customer (R-A6)
    #[command(subcommand)]
    Subject(subject::SubjectCommand),
    /// Settle a record two sites changed between pulls: keep one site's terms
    #[command(after_help = examples::RESOLVE)]
    Resolve(sites::ResolveArgs),
    /// The rules in force: what changed in the policy files, and applying them
    #[command(subcommand)]
    Policy(admin::PolicyCommand),
    /// Who you act as: your role, department, what you may do, whether you may act and sign
    #[command(after_help = examples::WHOAMI)]
    Whoami(FormatArg),
    /// The store at a glance: records by kind and status, what waits for whom, what is overdue
    #[command(after_help = examples::STATUS)]
    Status(FormatArg),
    /// A completion script for your shell
    #[command(after_help = examples::COMPLETIONS)]
    Completions(about::CompletionsArgs),
    /// Write the manual pages (docket.1 and one per command) into a folder
    #[command(after_help = examples::MANPAGES)]
    Manpages(about::ManpagesArgs),
}

impl Global {
    fn store(&self) -> Result<Store> {
        Store::open(&self.store_root()?)
    }

    fn store_root(&self) -> Result<PathBuf> {
        match &self.store {
            Some(dir) => Store::find_root(dir),
            None => {
                let here = std::env::current_dir().map_err(|e| Error::io(".", e))?;
                Store::find_root(&here)
            }
        }
    }

    /// Where the acting actor's private key is: `--identity`, else the ssh-agent.
    fn keys(&self) -> KeySource {
        KeySource {
            identity: self.identity.clone(),
            agent: std::env::var_os("SSH_AUTH_SOCK")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }

    fn options<'a>(&self, on_wait: &'a dyn Fn(), recovering: bool) -> Options<'a> {
        Options {
            actor: self.actor.clone(),
            keys: self.keys(),
            on_wait,
            recovering,
            policy_drift: false,
        }
    }

    /// Open the store although the live policy files differ from the applied ones: for
    /// `policy diff` (reading) and `policy apply` (writing).
    fn open_policy(&self, write: bool) -> Result<Opened> {
        let on_wait = self.waiting();
        let opts = Options {
            policy_drift: true,
            ..self.options(&on_wait, false)
        };
        let root = self.store_root()?;
        // A live docket.toml that does not read is for `policy apply` to report.
        let store = Store::open(&root).or_else(|_| Store::open_applied(&root))?;
        Ok(if write {
            self.require_actor(false)?;
            Opened::Write(Writer::open(store, opts)?)
        } else {
            Opened::Read(Session::open(store, opts)?)
        })
    }

    /// An actor is needed to act, and to read what depends on the reader's role.
    fn require_actor(&self, reading: bool) -> Result<()> {
        match (&self.actor, reading) {
            (Some(_), _) => Ok(()),
            (None, false) => Err(Error::usage(
                t!("cli-command-acts-someone-pass"),
                Some(t!("cli-every-act-done-registered").to_string()),
            )),
            (None, true) => Err(Error::usage(
                t!("session-reading-needs-role"),
                Some(t!("session-what-you-see-depends-role").to_string()),
            )),
        }
    }

    fn waiting(&self) -> impl Fn() + use<> {
        let quiet = self.quiet;
        move || {
            if !quiet {
                eprintln!("{}", t!("cli-waiting-another-command"));
            }
        }
    }

    /// Open the store to read, as the acting actor (required unless `anonymous`).
    fn open(&self, anonymous: bool) -> Result<Session> {
        if !anonymous {
            self.require_actor(true)?;
        }
        let on_wait = self.waiting();
        let session = Session::open(self.store()?, self.options(&on_wait, false))?;
        self.warn(session.warnings());
        Ok(session)
    }

    /// Open the store to write as the acting actor, with their key.
    fn writer(&self) -> Result<Writer> {
        self.writer_with(false)
    }

    fn writer_with(&self, recovering: bool) -> Result<Writer> {
        self.require_actor(false)?;
        let on_wait = self.waiting();
        let writer = Writer::open(self.store()?, self.options(&on_wait, recovering))?;
        self.warn(writer.warnings());
        Ok(writer)
    }

    fn warn(&self, warnings: &[String]) {
        for w in warnings {
            say!("{}", t!("cli-warning", message = w));
        }
    }

    fn note(&self, text: &str) {
        if !self.quiet {
            eprintln!("{}", output::terminal_safe(text));
        }
    }
}

fn reveal_request(
    session: &Session,
    args: &RevealArgs,
) -> Result<Option<docket::policy::reveal::Reveal>> {
    if !args.reveal {
        return Ok(None);
    }
    let actor = session.actor()?;
    docket::policy::reveal::authorize(
        session.role()?,
        &actor.name,
        args.purpose.as_deref(),
        (session.max_text(), session.today()),
        &session.store().config.policy.placeholders,
    )
    .map(Some)
}

/// A store opened to read, or to write when the command reveals personal data: a reveal
/// is a signed act, logged before anything is shown.
pub enum Opened {
    Read(Session),
    Write(Writer),
}

impl std::ops::Deref for Opened {
    type Target = Session;
    fn deref(&self) -> &Session {
        match self {
            Opened::Read(s) => s,
            Opened::Write(w) => w,
        }
    }
}

impl Opened {
    fn new(g: &Global, reveal: &RevealArgs) -> Result<Opened> {
        Ok(if reveal.reveal {
            Opened::Write(g.writer()?)
        } else {
            Opened::Read(g.open(false)?)
        })
    }

    fn log(&mut self, revealed: Option<docket::ops::read::Revealed>) -> Result<()> {
        match (self, revealed) {
            (_, None) => Ok(()),
            (Opened::Write(w), Some(r)) => docket::ops::read::log_reveal(w, r),
            (Opened::Read(_), Some(_)) => Err(Error::Internal("a reveal without a writer".into())),
        }
    }
}

/// What a command produced for stdout.
type Output = String;

fn run(cli: Cli) -> Result<Output> {
    let mut global = cli.global;
    if let Some(f) = cli.command.format() {
        global.format = f;
    }
    let g = &global;
    match cli.command {
        Command::Init(a) => admin::init(g, a),
        Command::Actor(c) => admin::actor(g, c),
        Command::Types(a) => admin::types(g, a),
        Command::Create(a) => records::create(g, a),
        Command::Amend(a) => records::amend(g, a),
        Command::Show(a) => records::show(g, a),
        Command::History(a) => records::history(g, a),
        Command::Diff(a) => records::diff(g, a),
        Command::Query(a) => records::query(g, a),
        Command::Exists(a) => records::exists(g, a),
        Command::Approve(a) => contracts::approve(g, a),
        Command::Reject(a) => contracts::reject(g, a),
        Command::Withdraw(a) => contracts::withdraw(g, a),
        Command::Pending(a) => contracts::pending(g, a),
        Command::Complete(a) => contracts::complete(g, a),
        Command::Terminate(a) => contracts::terminate(g, a),
        Command::Archive(a) => contracts::archive(g, a),
        Command::Attachment(c) => contracts::attachment(g, c),
        Command::Import(a) => transfer::import(g, a),
        Command::Export(a) => transfer::export(g, a),
        Command::Log(a) => admin::log(g, a),
        Command::Verify(a) => admin::verify(g, a),
        Command::Recover => admin::recover(g),
        Command::Hook(c) => admin::hook(g, c),
        Command::Site(c) => sites::site(g, c),
        Command::Resolve(a) => sites::resolve(g, a),
        Command::Subject(c) => subject::subject(g, c),
        Command::Policy(c) => admin::policy(g, c),
        Command::Whoami(_) => about::whoami(g),
        Command::Status(_) => about::store_status(g),
        Command::Completions(a) => about::completions(a),
        Command::Manpages(a) => about::manpages(g, a),
    }
}

impl Command {
    /// The `--format` of a data command.
    /// Whether the command only reads: its errors never say "nothing was written", which
    /// would suggest it might have written something.
    fn reads_only(&self) -> bool {
        matches!(
            self,
            Command::Types(_)
                | Command::Show(_)
                | Command::History(_)
                | Command::Diff(_)
                | Command::Query(_)
                | Command::Pending(_)
                | Command::Log(_)
                | Command::Verify(_)
                | Command::Whoami(_)
                | Command::Status(_)
                | Command::Completions(_)
                | Command::Manpages(_)
                | Command::Policy(admin::PolicyCommand::Diff)
                | Command::Site(sites::SiteCommand::Show)
                | Command::Actor(admin::ActorCommand::List(_))
                | Command::Actor(admin::ActorCommand::AllowedSigners)
        )
    }

    fn format(&self) -> Option<Format> {
        Some(match self {
            Command::Types(a) => a.out.format,
            Command::Show(a) => a.out.format,
            Command::History(a) => a.out.format,
            Command::Diff(a) => a.out.format,
            Command::Query(a) => a.out.format,
            Command::Exists(a) => a.out.format,
            Command::Pending(a) => a.out.format,
            Command::Log(a) => a.out.format,
            Command::Verify(a) => a.out.format,
            Command::Actor(admin::ActorCommand::List(a)) => a.format,
            Command::Whoami(a) | Command::Status(a) => a.format,
            _ => return None,
        })
    }
}

fn report(e: &Error, reading: bool) {
    say!("{}", t!("cli-error", message = e));
    match e {
        Error::Integrity { problems } => {
            for p in problems.iter().skip(1) {
                say!("{}", t!("cli-error-integrity-check-failed", p = p));
            }
            say!("{}", t!("cli-hint", hint = integrity_hint(reading)));
        }
        Error::Invalid(errors) | Error::Duplicate(errors) => {
            for extra in errors.iter().skip(1) {
                say!("{}", t!("cli-error", message = extra));
            }
            let hint = errors.iter().find_map(|e| e.hint.clone());
            let several = errors.len() > 1;
            // "nothing was written" is said once: after the count when there are several.
            let hint = hint.unwrap_or_else(|| fallback_hint(errors.first(), !reading && !several));
            say!("{}", t!("cli-hint", hint = hint));
            if several {
                let count = if reading {
                    t!("cli-problems", len = errors.len())
                } else {
                    t!("cli-problems-nothing-was-written", len = errors.len())
                };
                say!("{}", count);
            }
        }
        Error::Usage { hint, .. }
        | Error::Denied { hint, .. }
        | Error::Conflict { hint, .. }
        | Error::Io { hint, .. } => match hint {
            Some(h) => say!("{}", t!("cli-hint", hint = h)),
            None if matches!(e, Error::Io { .. }) => {
                say!("{}", t!("cli-hint-check-path-free"))
            }
            None => say!("{}", t!("cli-hint-docket-help-lists")),
        },
        Error::Internal(_) => say!("{}", t!("cli-hint-bug-docket-nothing")),
        Error::Interrupted => say!("{}", t!("cli-hint-run-command-again")),
    }
}

/// What to do about a store that fails its checks: a write says it wrote nothing.
fn integrity_hint(reading: bool) -> String {
    if reading {
        t!("cli-verify-lists-every-problem")
    } else {
        t!("cli-nothing-was-written-docket")
    }
}

/// An error for a script that asked for JSON: `{"error": …, "hint": …, "exit": …}`, with
/// every problem when there are several.
fn json_error(e: &Error, reading: bool) -> String {
    let problems: Vec<String> = match e {
        Error::Integrity { problems } => problems.iter().map(|p| p.to_string()).collect(),
        Error::Invalid(errors) | Error::Duplicate(errors) => {
            errors.iter().map(|x| x.to_string()).collect()
        }
        other => vec![other.to_string()],
    };
    let hint = match e {
        Error::Integrity { .. } => Some(integrity_hint(reading)),
        Error::Invalid(errors) | Error::Duplicate(errors) => errors
            .iter()
            .find_map(|x| x.hint.clone())
            .or_else(|| Some(fallback_hint(errors.first(), !reading))),
        Error::Usage { hint, .. }
        | Error::Denied { hint, .. }
        | Error::Conflict { hint, .. }
        | Error::Io { hint, .. } => hint.clone(),
        _ => None,
    };
    let text = serde_json::json!({
        "error": e.to_string(), "problems": problems, "hint": hint, "exit": e.exit_code(),
    })
    .to_string();
    docket::escape::json(&text).into_owned()
}

/// What to do about an invalid value that came without its own hint; `wrote_nothing`
/// adds that nothing was written (a write command, said once).
fn fallback_hint(first: Option<&docket::error::InputError>, wrote_nothing: bool) -> String {
    let hint = match first.map(|e| (&e.at.field, &e.at.file)) {
        Some((Some(field), _)) => t!("cli-correct-field-again", field = field),
        Some((None, Some(file))) => t!("cli-correct-file-again", file = file),
        _ => t!("cli-correct-input-again"),
    };
    if wrote_nothing {
        t!("cli-then-nothing-was-written", hint = hint)
    } else {
        hint
    }
}

/// Whether the command line asks for JSON (`--format json`, `--format=json`), read from
/// the raw arguments when they could not be parsed.
fn asked_for_json(args: &[std::ffi::OsString]) -> bool {
    args.windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--format=json")
}

pub fn main() -> i32 {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = lang::choose(&args);
    docket::i18n::set(lang);
    // Asked by a completion script: answer and exit before anything else is said.
    clap_complete::CompleteEnv::with_factory(move || {
        localize::command(<Cli as clap::CommandFactory>::command(), lang)
    })
    .var(about::COMPLETE_VAR)
    .complete();
    let args_for_json = args.clone();
    let parsed = localize::command(<Cli as clap::CommandFactory>::command(), lang)
        .try_get_matches_from(args)
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        // `--help` and `--version` are answers, not errors.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return 0;
        }
        Err(e) => {
            // A mistake echoes what was typed: escaped, as every message is.
            let (message, hint) = localize::parse_error(&e, lang);
            if asked_for_json(&args_for_json) {
                let json = serde_json::json!({
                    "error": message, "problems": [message], "hint": hint, "exit": 2,
                });
                eprintln!("{}", docket::escape::json(&json.to_string()));
            } else {
                let text = localize::framed(&message, &hint, lang);
                eprint!("{}", output::terminal_safe(&text));
            }
            return 2;
        }
    };
    let json_errors = cli.command.format() == Some(Format::Json);
    let reading = cli.command.reads_only();
    match run(cli) {
        Ok(out) => match output::emit(&out) {
            Ok(()) => 0,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
            Err(e) => {
                eprintln!("{}", t!("cli-error-writing-output", e = e));
                1
            }
        },
        Err(e) if json_errors => {
            eprintln!("{}", json_error(&e, reading));
            e.exit_code()
        }
        Err(e) => {
            report(&e, reading);
            e.exit_code()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Cli, localize};
    use clap::CommandFactory;

    /// `locales/help/en.ftl` is the English help as the definitions have it, so a changed
    /// doc comment shows up in the catalogue's lock until it is translated;
    /// `DOCKET_WRITE_HELP_CATALOGUE=1 cargo test --bin docket help_catalogue` rewrites it.
    #[test]
    fn help_catalogue_is_the_english_help() {
        let entries = localize::english(&Cli::command());
        let file: String = entries
            .iter()
            .map(|(id, text)| format!("{id} = {}\n", localize::fluent_value(text)))
            .collect();
        let header = "# docket's --help in English, as the clap definitions have it (written by a test:\n# DOCKET_WRITE_HELP_CATALOGUE=1 cargo test --bin docket help_catalogue).\n\n";
        let file = format!("{header}{file}");
        if std::env::var_os("DOCKET_WRITE_HELP_CATALOGUE").is_some() {
            std::fs::write("locales/help/en.ftl", &file).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string("locales/help/en.ftl").unwrap(),
            file,
            "the help changed: run DOCKET_WRITE_HELP_CATALOGUE=1 cargo test --bin docket help_catalogue, then translate it in locales/help/zh-CN.ftl"
        );
        for (id, text) in &entries {
            let back = docket::i18n::lookup_in(docket::i18n::Lang::En, id);
            assert_eq!(
                back.as_deref(),
                Some(text.as_str()),
                "{id} reads back differently"
            );
        }
    }

    /// Every argument says what it is for, and every command shows how it is used.
    #[test]
    fn help_teaches() {
        let mut missing = Vec::new();
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id != "help" && id != "version" && arg.get_help().is_none() {
                    missing.push(format!("{path} {id}: no help"));
                }
            }
            let leaf = cmd.get_subcommands().next().is_none();
            if leaf && cmd.get_after_help().is_none() && path != "docket help" {
                missing.push(format!("{path}: no examples"));
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        walk(&Cli::command(), "docket", &mut missing);
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }
}
