//! `import` and `export`: legacy spreadsheets in, nightly extracts out.

use super::{Global, Opened, Output, RevealArgs, reveal_request};
use clap::Args;
use docket::error::{Error, Result};
use docket::io::encoding::ExportEncoding;
use docket::io::mapping::Mapping;
use docket::io::output_file;
use docket::ops::export::{self, ExportFormat, ExportSpec};
use docket::ops::import::{self, ImportSpec};
use docket::t;
use indicatif::{ProgressBar, ProgressStyle};
use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ImportArgs {
    /// The record kind the rows are
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::kinds))]
    kind: String,
    /// The CSV file (UTF-8 with or without BOM, or GB18030/GBK as Excel saves it)
    file: PathBuf,
    /// A TOML mapping: columns to fields, constants, date/boolean/list conversions
    #[arg(long)]
    map: Option<PathBuf>,
    /// The file's encoding when it is not UTF-8 (default: the store's, gb18030)
    #[arg(long)]
    encoding: Option<String>,
    /// Check every row and report, writing nothing
    #[arg(long)]
    dry_run: bool,
    /// Write the rejected rows, with their line and error, to this CSV
    #[arg(long, value_name = "OUT.csv")]
    rejects: Option<PathBuf>,
    /// The column separator: comma (the default), semicolon, tab or pipe
    #[arg(long, value_name = "SEP", default_value = "comma", value_parser = ["comma", "semicolon", "tab", "pipe", ",", ";", "|"])]
    delimiter: String,
    /// Import rows even where another record (or row) holds the same identity number
    #[arg(long, requires = "reason")]
    allow_duplicate: bool,
    /// Why the duplicates are allowed (kept in each row's audit entry)
    #[arg(long, requires = "allow_duplicate")]
    reason: Option<String>,
}

/// What an export writes.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportAs {
    Csv,
    Json,
}

/// What an export is written in.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EncodingArg {
    Gb18030,
    #[value(name = "utf-8-bom")]
    Utf8Bom,
    #[value(name = "utf-8")]
    Utf8,
}

impl From<EncodingArg> for ExportEncoding {
    fn from(e: EncodingArg) -> ExportEncoding {
        match e {
            EncodingArg::Gb18030 => ExportEncoding::Gb18030,
            EncodingArg::Utf8Bom => ExportEncoding::Utf8Bom,
            EncodingArg::Utf8 => ExportEncoding::Utf8,
        }
    }
}

#[derive(Args)]
pub struct ExportArgs {
    /// CSV (one kind; what a spreadsheet opens) or JSON (any kinds)
    #[arg(long, value_enum, default_value = "csv")]
    format: ExportAs,
    /// Only this kind (required for CSV)
    #[arg(add = clap_complete::engine::ArgValueCandidates::new(super::complete::kinds))]
    kind: Option<String>,
    /// Only records this CEL expression holds for, as `query --where`
    #[arg(long = "where", value_name = "EXPR")]
    filter: Option<String>,
    /// Encoding of a CSV export: gb18030 (what Chinese Excel opens), utf-8-bom (UTF-8 that Excel recognises) or utf-8; default: the store's import encoding (policy.default_encoding), UTF-8 on a terminal. JSON is always UTF-8
    #[arg(long, value_enum)]
    encoding: Option<EncodingArg>,
    /// Write to this file instead of stdout (whole or not at all; never over an existing file without --force)
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the file -o names if it exists
    #[arg(long, requires = "output")]
    force: bool,
    #[command(flatten)]
    reveal: RevealArgs,
}

/// A progress bar on a terminal; nothing when piped or quiet.
fn bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        // The catalogue places indicatif's own placeholders, given to it as arguments.
        ProgressStyle::with_template(&t!(
            "transfer-progress",
            phase = "{msg:>9}",
            bar = "[{wide_bar}]",
            done = "{pos}",
            total = "{len}",
            rate = "{rate}",
            eta = "{eta}"
        ))
        .expect("valid template")
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let rate = format!("{:.0}", state.per_sec());
                let _ = write!(w, "{}", t!("transfer-rate", rate = rate));
            },
        )
        .progress_chars("=> "),
    );
    bar
}

/// An import phase as people read it.
fn phase_title(name: &str) -> String {
    match name {
        "checking" => t!("transfer-phase-checking"),
        "writing" => t!("transfer-phase-writing"),
        other => other.to_string(),
    }
}

/// Print the line a finished phase leaves above the bar: its rows, time and rate.
fn end_phase(bar: &ProgressBar, phase: &str) {
    if phase.is_empty() || bar.is_hidden() {
        return;
    }
    let secs = bar.elapsed().as_secs_f64();
    let rows = bar.position();
    bar.println(t!(
        "transfer-rows-s-rows-s",
        phase2 = format!("{:>9}", phase_title(phase)),
        rows = rows,
        secs2 = format!("{:.1}", secs),
        format = format!("{:.0}", rows as f64 / secs.max(0.001))
    ));
}

pub fn import(g: &Global, a: ImportArgs) -> Result<Output> {
    let mut session = g.writer()?;
    let mapping = match &a.map {
        None => Mapping::default(),
        Some(p) => {
            let limit = session.store().config.policy.file_limit();
            let bytes = docket::io::bounded::read_file(p, limit)?;
            let text = String::from_utf8(bytes).map_err(|e| {
                Error::io(p, std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            })?;
            Mapping::load(&p.display().to_string(), &text)?
        }
    };
    let bar = bar(g.quiet);
    // One phase after another: each ends with a line saying what it did and how fast, and
    // the next starts its own count and rate.
    let phase = RefCell::new(String::new());
    let progress = |name: &str, done: usize, total: usize| {
        if *phase.borrow() != name {
            end_phase(&bar, &phase.borrow());
            *phase.borrow_mut() = name.to_string();
            bar.set_message(phase_title(name));
            bar.reset();
        }
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let spec = ImportSpec {
        kind: &a.kind,
        file: &a.file,
        mapping,
        encoding: a.encoding.as_deref(),
        dry_run: a.dry_run,
        rejects: a.rejects.as_deref(),
        delimiter: match a.delimiter.as_str() {
            "semicolon" | ";" => b';',
            "tab" => b'\t',
            "pipe" | "|" => b'|',
            _ => b',',
        },
        allow_duplicate: a
            .allow_duplicate
            .then_some(a.reason.as_deref().unwrap_or_default()),
    };
    let result = import::import(&mut session, &spec, &progress);
    end_phase(&bar, &phase.borrow());
    bar.finish_and_clear();
    if let (Some(errors), Some(path)) = (
        result.as_ref().err().and_then(Error::input_problems),
        &a.rejects,
    ) {
        g.note(&t!(
            "transfer-problem-s-rejected-rows",
            len = errors.len(),
            display = path.display()
        ));
    }
    let report = result?;
    for w in &report.warnings {
        say!("{}", t!("cli-warning", message = w));
    }
    let already = if report.already > 0 {
        t!(
            "transfer-already-imported-skipped",
            already = report.already
        )
    } else {
        String::new()
    };
    if a.dry_run {
        let probes = if report.probes > 0 {
            t!("transfer-probes-counted", probes = report.probes)
        } else {
            String::new()
        };
        g.note(&t!(
            "transfer-dry-run-rows-would",
            rows = report.rows,
            encoding = report.encoding,
            planned = report.planned,
            already = already,
            probes = probes
        ));
    } else {
        g.note(&t!(
            "transfer-imported-rows",
            len = report.imported,
            rows = report.rows,
            encoding = report.encoding,
            already = already
        ));
    }
    Ok(String::new())
}

pub fn export(g: &Global, a: ExportArgs) -> Result<Output> {
    let format = match a.format {
        ExportAs::Csv => ExportFormat::Csv,
        ExportAs::Json => ExportFormat::Json,
    };
    if let Some(path) = &a.output {
        output_file::refuse_existing(path, a.force)?;
    }
    let to_terminal = a.output.is_none() && std::io::stdout().is_terminal();
    let spec = ExportSpec {
        kind: a.kind.as_deref(),
        filter: a.filter.as_deref(),
        format,
        encoding: terminal_encoding(a.encoding.map(Into::into), to_terminal)?,
    };
    let mut session = Opened::new(g, &a.reveal)?;
    let reveal = reveal_request(&session, &a.reveal)?;
    let Some(path) = &a.output else {
        if reveal.is_none() {
            // Nothing to log first: written as it is found, a batch at a time.
            let mut out = StdoutBatches::default();
            let streamed =
                export::export_to(&session, &spec, None, (&mut out, Path::new("<stdout>")));
            return match streamed.and_then(|_| out.finish()) {
                // The reader went away (`| head`): it has what it wanted.
                Err(Error::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::BrokenPipe =>
                {
                    Ok(String::new())
                }
                other => other.map(|()| String::new()),
            };
        }
        let (mut held, exported) = export::export_held(&session, &spec, reveal.as_ref())?;
        session.log(exported.revealed)?;
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        return match std::io::copy(&mut held, &mut out).and_then(|_| out.flush()) {
            Ok(()) => Ok(String::new()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(String::new()),
            Err(e) => Err(Error::io("<stdout>", e)),
        };
    };
    // Written (a batch of records at a time) and synced before the reveal is logged, in
    // place only after: a full disk fails before anything is logged, and no personal data
    // lands unlogged.
    let mut streamed = None;
    let staged = output_file::stage_with(path, &mut |out| {
        let streamed_to = export::export_to(&session, &spec, reveal.as_ref(), (out, path))?;
        streamed = Some(streamed_to);
        Ok(())
    })?;
    let exported = streamed.expect("written");
    session.log(exported.revealed)?;
    staged.publish(a.force)?;
    g.note(&t!(
        "transfer-exported-records",
        count = exported.records,
        display = path.display(),
        encoding = exported.encoding.name()
    ));
    Ok(String::new())
}

/// Standard output for a stream of batches, a mebibyte at a time.
#[derive(Default)]
struct StdoutBatches {
    held: Vec<u8>,
}

impl StdoutBatches {
    /// Everything held, out.
    fn finish(mut self) -> Result<()> {
        use std::io::Write;
        self.flush().map_err(|e| Error::io("<stdout>", e))
    }
}

impl std::io::Write for StdoutBatches {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.held.extend_from_slice(buf);
        if self.held.len() >= 1 << 20 {
            self.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        let written = out.write_all(&self.held).and_then(|()| out.flush());
        self.held.clear();
        written
    }
}

/// The encoding of an export to a terminal: UTF-8, what the terminal reads. GB18030 is
/// refused there: read as UTF-8, its bytes can form control sequences.
fn terminal_encoding(
    requested: Option<ExportEncoding>,
    to_terminal: bool,
) -> Result<Option<ExportEncoding>> {
    match requested {
        _ if !to_terminal => Ok(requested),
        None => Ok(Some(ExportEncoding::Utf8)),
        Some(ExportEncoding::Gb18030) => Err(Error::usage(
            t!("transfer-gb18030-not-to-terminal"),
            Some(t!("transfer-write-file-o-or-utf8").to_string()),
        )),
        Some(utf8) => Ok(Some(utf8)),
    }
}
