//! The command line: clap definitions, opening the store for each command, and turning
//! typed errors into messages and exit codes. The only place that prints.

mod admin;
mod contracts;
mod output;
mod records;
mod transfer;

use clap::{Args, Parser, Subcommand};
use docket::error::{Error, Result};
use docket::session::{Options, Session};
use docket::store::Store;
use docket::store::lock::LockMode;
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
    #[arg(long, global = true, env = "DOCKET_STORE")]
    store: Option<PathBuf>,
    /// Act as this registered actor
    #[arg(long = "as", global = true, env = "DOCKET_ACTOR", value_name = "ACTOR")]
    actor: Option<String>,
    /// Output format where the output is data
    #[arg(long, global = true, value_enum, default_value = "table")]
    format: Format,
    /// Say nothing on stderr but errors and warnings
    #[arg(long, short, global = true)]
    quiet: bool,
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
    Init(admin::InitArgs),
    /// Manage the staff register (admin only)
    #[command(subcommand)]
    Actor(admin::ActorCommand),
    /// Show the record kinds, or one kind's fields, rules and approval steps
    Types(admin::TypesArgs),
    /// Create a record; prints only the new id
    Create(records::CreateArgs),
    /// Write a new version of a record
    Amend(records::AmendArgs),
    /// Show one record
    Show(records::ShowArgs),
    /// List a record's versions
    History(records::HistoryArgs),
    /// Show what changed between two versions
    Diff(records::DiffArgs),
    /// Find records
    Query(records::QueryArgs),
    /// Take the next approval step your role may take
    Approve(contracts::ApproveArgs),
    /// Reject a pending record at your step
    Reject(contracts::RejectArgs),
    /// What waits for your role: approvals, and finished contracts to archive
    Pending,
    /// Mark an active contract as performed
    Complete(contracts::CompleteArgs),
    /// Mark an active contract as no longer performed
    Terminate(contracts::TerminateArgs),
    /// Archive a completed or terminated contract with its papers (archivist only)
    Archive(contracts::ArchiveArgs),
    /// Import a CSV file of one kind: all rows or none
    Import(transfer::ImportArgs),
    /// Export current records as CSV or JSON (masked unless revealed)
    Export(transfer::ExportArgs),
    /// Read the audit log
    Log(admin::LogArgs),
    /// Check the whole store: chain, every file, nothing unlogged or missing
    Verify(admin::VerifyArgs),
    /// Move files no audit entry logs (left by a crash) into records/.quarantine/
    Recover,
}

/// The clock: `DOCKET_NOW` (RFC 3339) fixes it for tests and reproducible scripts.
fn now() -> Result<chrono::DateTime<chrono::Utc>> {
    match std::env::var("DOCKET_NOW") {
        Ok(s) => chrono::DateTime::parse_from_rfc3339(&s)
            .map(|t| t.to_utc())
            .map_err(|_| {
                Error::usage(
                    format!("DOCKET_NOW=`{s}` is not an RFC 3339 time"),
                    Some("e.g. DOCKET_NOW=2026-03-01T09:00:00Z".to_string()),
                )
            }),
        Err(_) => Ok(chrono::Utc::now()),
    }
}

impl Global {
    fn store(&self) -> Result<Store> {
        match &self.store {
            Some(dir) => Store::find(dir),
            None => {
                let here = std::env::current_dir().map_err(|e| Error::io(".", e))?;
                Store::find(&here)
            }
        }
    }

    /// Open the store as the acting actor (required unless `anonymous`).
    fn open(&self, mode: LockMode, anonymous: bool) -> Result<Session> {
        self.open_with(mode, anonymous, false)
    }

    fn open_with(&self, mode: LockMode, anonymous: bool, recovering: bool) -> Result<Session> {
        if self.actor.is_none() && !anonymous {
            return Err(Error::usage(
                "this command acts as someone: pass --as ACTOR or set DOCKET_ACTOR",
                Some("every act is done as a registered actor (R-B1)".to_string()),
            ));
        }
        let store = self.store()?;
        let quiet = self.quiet;
        let on_wait = move || {
            if !quiet {
                eprintln!("waiting for another docket command to finish…");
            }
        };
        Session::open(
            store,
            Options {
                actor: self.actor.clone(),
                now: now()?,
                mode,
                on_wait: &on_wait,
                recovering,
            },
        )
    }

    fn note(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
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
    docket::policy::reveal::authorize(session.role()?, &actor.name, args.purpose.as_deref())
        .map(Some)
}

/// What a command produced for stdout.
type Output = String;

fn run(cli: Cli) -> Result<Output> {
    let g = &cli.global;
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
        Command::Approve(a) => contracts::approve(g, a),
        Command::Reject(a) => contracts::reject(g, a),
        Command::Pending => contracts::pending(g),
        Command::Complete(a) => contracts::complete(g, a),
        Command::Terminate(a) => contracts::terminate(g, a),
        Command::Archive(a) => contracts::archive(g, a),
        Command::Import(a) => transfer::import(g, a),
        Command::Export(a) => transfer::export(g, a),
        Command::Log(a) => admin::log(g, a),
        Command::Verify(a) => admin::verify(g, a),
        Command::Recover => admin::recover(g),
    }
}

fn report(e: &Error) {
    eprintln!("error: {e}");
    match e {
        Error::Integrity { problems } => {
            for p in problems.iter().skip(1) {
                eprintln!("error: integrity check failed: {p}");
            }
            eprintln!("hint: nothing was written; `docket verify` lists every problem");
        }
        Error::Invalid(errors) => {
            for extra in errors.iter().skip(1) {
                eprintln!("error: {extra}");
            }
            let hints: Vec<&String> = errors.iter().filter_map(|e| e.hint.as_ref()).collect();
            if let Some(h) = hints.first() {
                eprintln!("hint: {h}");
            }
            if errors.len() > 1 {
                eprintln!("{} problems; nothing was written", errors.len());
            }
        }
        Error::Usage { hint: Some(h), .. }
        | Error::Denied { hint: Some(h), .. }
        | Error::Conflict { hint: Some(h), .. } => {
            eprintln!("hint: {h}");
        }
        _ => {}
    }
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(out) => match output::emit(&out) {
            Ok(()) => 0,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
            Err(e) => {
                eprintln!("error: writing output: {e}");
                1
            }
        },
        Err(e) => {
            report(&e);
            e.exit_code()
        }
    }
}
