//! Batch import of legacy spreadsheets: all or nothing. Every row is converted and
//! validated against the schema and the seed's rules first; any bad row means nothing is
//! written and every bad row is reported. Rows already imported (same legacy number, or
//! same content) are skipped, so re-running an import never duplicates records. A good
//! import is one batch transaction: one file-system sync, one burst of audit entries.

use super::input::Origin;
use super::unique::{Holder, Holders};
use super::validate::validate;
use super::write::require_drafter;
use crate::audit::act::{self, Act, Duplicate};
use crate::error::{Error, InputError, IoContext, Location, Result};
use crate::io::cells::{from_cell, to_cell};
use crate::io::encoding;
use crate::io::lines::LineCounter;
use crate::io::mapping::Mapping;
use crate::io::source::{Source, recognise};
use crate::journal::Transaction;
use crate::layout::sha256_hex;
use crate::layout::version_path;
use crate::policy::mask::mask;
use crate::schema::kind::{Field, Kind};
use crate::schema::value::{FieldType, Value};
use crate::session::{Session, Writer};
use crate::store::ids::is_safe_id;
use crate::store::version::{DueStep, Version, Writing};
use chrono::Datelike;
use sha2::Digest;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

pub struct ImportSpec<'a> {
    pub kind: &'a str,
    pub file: &'a Path,
    pub mapping: Mapping,
    pub encoding: Option<&'a str>,
    pub dry_run: bool,
    /// Where to write the rejected rows (original columns plus line and error).
    pub rejects: Option<&'a Path>,
    /// The column separator: `,` unless the file uses another.
    pub delimiter: u8,
    /// Why rows may share an identity number with a record (or each other); without
    /// it such rows are refused (exit 6).
    pub allow_duplicate: Option<&'a str>,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub rows: usize,
    /// Rows that are new and valid (written unless a dry run).
    pub planned: usize,
    /// Records written.
    pub imported: usize,
    /// Rows already in the store (by legacy number or content), skipped.
    pub already: usize,
    pub encoding: String,
    pub warnings: Vec<String>,
    /// Identity numbers checked against the store and told (a dry run's, or a refused
    /// import's): counted probes.
    pub probes: u64,
}

/// Called as work proceeds: (phase, done, total).
pub type Progress<'a> = &'a dyn Fn(&str, usize, usize);

/// Columns a docket export writes that are not fields: ignored on import.
const EXPORT_ONLY: [&str; 2] = ["id", "status"];

/// Where a column's values go.
enum Target<'k> {
    Field(&'k Field),
    Legacy,
    Skip,
}

pub fn import(session: &mut Writer, spec: &ImportSpec, progress: Progress) -> Result<ImportReport> {
    let schemas = session.schemas().clone();
    let kind = schemas.kind(spec.kind)?;
    require_drafter(session, kind)?;
    super::write::require_in_force(session, kind)?;
    let shown = spec.file.display().to_string();
    let default = session.store().config.policy.default_encoding.clone();
    let limit = session.store().config.policy.import_limit();
    let input = Source::open(spec.file, &shown, limit, spec.encoding, &default)?;
    // Each pass reads the file anew, as UTF-8: no pass holds its text.
    let reader = || {
        csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(spec.delimiter)
            .from_reader(input.text())
    };
    let headers = reader()
        .headers()
        .map_err(|e| {
            InputError::new(
                Location::file(&shown).line(Some(1)),
                t!("import-not-csv-header", e = e),
            )
        })?
        .clone();
    let targets = column_targets(kind, &headers, &spec.mapping, &shown)?;
    let constants = constants(kind, &spec.mapping, &shown)?;
    let total = input.lines.saturating_sub(1);
    let columns = Columns {
        targets: &targets,
        headers: &headers,
        file: &shown,
        constants: &constants,
        mapping: &spec.mapping,
    };

    // Pass 1: check every row, keeping only what pass 2 needs to know.
    let mut report = ImportReport {
        encoding: input.encoding().to_string(),
        ..Default::default()
    };
    let mut errors: Vec<InputError> = Vec::new();
    let mut rejected: Vec<(usize, csv::StringRecord, String)> = Vec::new();
    // Sized for every row up front: a table that grows holds its old and new self at once.
    let mut plan: Vec<Planned> = Vec::with_capacity(total);
    let mut rares: HashMap<u32, Rare> = HashMap::new();
    let mut statuses = Statuses::default();
    let mut seen_legacy: HashMap<Digest128, u32> = HashMap::with_capacity(total);
    let mut seen_fingerprint: HashSet<Digest128> = HashSet::with_capacity(total);
    super::write::check_duplicate_reason(session, spec.allow_duplicate)?;
    let mut holders = Holders::of(session, kind)?;
    holders.expect(total);
    let mut duplicates = 0;
    // Rows whose identity numbers were checked against the store: each a probe when the
    // answer is told without the row being written.
    let mut checked: u64 = 0;
    let mut duplicate_lines = std::collections::HashSet::new();
    let mut lines = LineCounter::new(input.text());
    for (i, record) in reader().records().enumerate() {
        let record = record.map_err(|e| {
            let line = e
                .position()
                .map(|p| LineCounter::new(input.text()).line_of_record(p.byte() as usize));
            InputError::new(
                Location::file(&shown).line(line),
                t!("import-malformed-csv", e = e),
            )
            .hint(t!("import-check-quoting-line"))
        })?;
        if i.is_multiple_of(1024) {
            progress("checking", i, total);
        }
        report.rows += 1;
        let line = record
            .position()
            .map(|p| lines.line_of_record(p.byte() as usize))
            .unwrap_or(i + 2);
        let mut row_errors = Vec::new();
        match columns.values(&in_store(session), &record, line) {
            Err(e) => row_errors = e,
            Ok((fields, legacy)) => {
                let origin = Origin::Row {
                    file: shown.clone(),
                    line,
                };
                let fingerprint = fingerprint(kind, &fields);
                // A row the store already holds enters nothing anew: its dates are not
                // held to their entry window again when an import is re-run.
                let already = matches!(
                    novelty(
                        session,
                        kind,
                        &legacy,
                        &fingerprint,
                        &seen_legacy,
                        &seen_fingerprint
                    ),
                    Novelty::Already
                );
                let findings = validate(
                    &session.context(),
                    kind,
                    &fields,
                    "",
                    &origin,
                    already.then_some(&fields),
                )?;
                row_errors.extend(findings.errors);
                report.warnings.extend(
                    findings
                        .warnings
                        .into_iter()
                        .map(|w| format!("{shown}:{line}: {w}")),
                );
                if row_errors.is_empty() {
                    match novelty(
                        session,
                        kind,
                        &legacy,
                        &fingerprint,
                        &seen_legacy,
                        &seen_fingerprint,
                    ) {
                        Novelty::New => {
                            checked += 1;
                            let taken = holders.taken(kind, &fields, None);
                            if spec.allow_duplicate.is_none() && !taken.is_empty() {
                                duplicates += taken.len();
                                duplicate_lines.insert(line);
                                let at = Location::file(&shown).line(Some(line));
                                row_errors.extend(taken.iter().map(|(f, h)| {
                                    super::unique::duplicate_problem(kind, at.clone(), f, h)
                                }));
                            } else {
                                holders.claim(kind, &fields, line);
                                if let Some(l) = &legacy {
                                    seen_legacy.insert(digest(l), line as u32);
                                }
                                seen_fingerprint.insert(fingerprint_key(&fingerprint));
                                let shares_with: Vec<Holder> =
                                    taken.into_iter().map(|(_, h)| h).collect();
                                if !findings.steps.is_empty() || !shares_with.is_empty() {
                                    let steps = findings.steps.clone();
                                    rares.insert(i as u32, Rare { steps, shares_with });
                                }
                                plan.push(Planned {
                                    index: i as u32,
                                    status: statuses.number(&findings.status),
                                });
                                continue;
                            }
                        }
                        Novelty::Already => {
                            report.already += 1;
                            continue;
                        }
                        Novelty::Conflict(message, hint) => {
                            let mut e =
                                InputError::new(Location::file(&shown).line(Some(line)), message);
                            e.hint = hint;
                            row_errors.push(e);
                        }
                    }
                }
            }
        }
        let summary = row_errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("; ");
        rejected.push((line, record, summary));
        errors.extend(row_errors);
    }
    progress("checking", total, total);
    if report.rows == 0 {
        return Err(
            InputError::new(Location::file(&shown), t!("import-file-has-header-but"))
                .hint(t!("import-export-records-themselves-one"))
                .into(),
        );
    }
    drop(holders);
    if !has_unique(kind) {
        checked = 0;
    }
    let (left, allowance) = super::unique::allowance_left(session)?;
    if spec.dry_run && checked > left {
        // Nothing is told: a dry run beyond the allowance would be an oracle.
        return Err(Error::denied(
            t!(
                "import-dry-run-beyond-allowance",
                checked = checked,
                left = left,
                allowance = allowance
            ),
            Some(t!("import-dry-run-allowance-hint").to_string()),
        ));
    }
    let answered = checked <= left;
    if checked > 0 && (duplicates > 0 || spec.dry_run) {
        super::unique::log_probe(session, kind, "import", checked, answered)?;
        report.probes = checked;
    }
    if duplicates > 0 && !answered {
        // Which rows are held would answer more checks than are left today.
        errors.retain(|e| e.at.line.is_none_or(|l| !duplicate_lines.contains(&l)));
        errors.push(
            InputError::new(
                Location::file(&shown),
                t!(
                    "import-duplicates-withheld",
                    duplicates = duplicates,
                    checked = checked,
                    left = left
                ),
            )
            .hint(t!("unique-allowance-hint")),
        );
        return Err(Error::Duplicate(errors));
    }
    if !errors.is_empty() {
        if let Some(path) = spec.rejects {
            write_rejects(path, &headers, &rejected)?;
        }
        // Only duplicates: the rows are good, the store already holds them (exit 6).
        return Err(if duplicates == errors.len() {
            Error::Duplicate(errors)
        } else {
            Error::Invalid(errors)
        });
    }
    drop((seen_legacy, seen_fingerprint));
    report.planned = plan.len();
    if spec.dry_run || plan.is_empty() {
        return Ok(report);
    }

    // Pass 2: the rows are known good; convert them again and write them as they come,
    // so memory holds the plan and the log lines, never every record at once.
    let year = session.now().year();
    let stem = format!("{}-{year}-", session.site_log().id_prefix(&kind.prefix));
    let mut number = session.index().last_number(&stem);
    let source = Path::new(&shown)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let actor = session.actor()?.name.clone();
    let department = session.actor()?.department.clone();
    let now = session.timestamp();
    let policy = session.registry().policy;
    let site = session.site_log().version_site().map(str::to_string);
    // The rows of what is written, kept as it goes (`Rows::keep`), a batch at a time.
    let rows =
        crate::cache::rows::Rows::open(session.caches().cloned(), session.index_db().as_deref());
    let mut made = Vec::new();
    let mut txn = Transaction::begin(session);
    // One entry per record and the summary: encoded as they come, not held to the end.
    txn.announce(plan.len() + 1);
    let mut counted: BTreeMap<String, usize> = BTreeMap::new();
    let mut planned = plan.into_iter().peekable();
    let mut id_of_line: HashMap<usize, String> = HashMap::new();
    let mut lines = LineCounter::new(input.text());
    for (i, record) in reader().records().enumerate() {
        let Some(row) = planned.next_if(|p| p.index as usize == i) else {
            continue;
        };
        if report.imported.is_multiple_of(1024) {
            progress("writing", report.imported, report.planned);
        }
        // Found as pass 1 found it.
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map(|p| lines.line_of_record(p.byte() as usize))
            .unwrap_or(i + 2);
        let changed = || {
            Error::Internal(format!(
                "{shown}:{line} changed between the check and the write"
            ))
        };
        let record = record.map_err(|_| changed())?;
        let (fields, legacy) = columns
            .values(&in_store(txn.writer()), &record, line)
            .map_err(|_| changed())?;
        let fingerprint = fingerprint(kind, &fields);
        let rare = rares.remove(&row.index).unwrap_or_default();
        number += 1;
        let id = format!("{stem}{number:06}");
        let status = statuses.name(row.status).to_string();
        *counted.entry(status.clone()).or_default() += 1;
        let writing = Writing {
            at: now.clone(),
            by: actor.clone(),
            action: "import".into(),
            policy,
            department: department.clone(),
        };
        let mut v = Version::first(&id, &kind.name, &status, writing, legacy.clone(), fields);
        v.steps = rare.steps;
        let path = version_path(&kind.name, &id, 1, site.as_deref());
        let file = txn.write(&path, v.to_toml().as_bytes())?;
        made.push((
            id.clone(),
            rows.make(txn.writer().reader(), &v, &file.sha256)?,
        ));
        if made.len() == crate::cache::rows::ROWS_AT_ONCE {
            rows.keep(&std::mem::take(&mut made));
        }
        let duplicate = match (rare.shares_with.is_empty(), spec.allow_duplicate) {
            (false, Some(reason)) => Some(Duplicate {
                of: rare
                    .shares_with
                    .iter()
                    .filter_map(|h| match h {
                        Holder::Record(id) => Some(id.clone()),
                        Holder::Elsewhere => None,
                        Holder::Line(l) => id_of_line.get(l).cloned(),
                    })
                    .collect(),
                reason: reason.to_string(),
            }),
            _ => None,
        };
        let act = Act::Import {
            written: act::Written {
                record: id.clone(),
                version: 1,
                status,
                policy,
            },
            department: department.clone(),
            duplicate,
            fingerprint,
            source: format!("{source}:{line}"),
            legacy_no: legacy,
        };
        txn.act(&act, vec![file]);
        if spec.allow_duplicate.is_some() {
            id_of_line.insert(line, id.clone());
        }
        report.imported += 1;
    }
    let summary = Act::ImportBatch {
        kind: kind.name.clone(),
        source,
        encoding: report.encoding.clone(),
        rows: report.rows as u64,
        imported: report.imported as u64,
        already: report.already as u64,
        statuses: counted.into_iter().map(|(s, n)| (s, n as u64)).collect(),
    };
    txn.act(&summary, Vec::new());
    rows.keep(&made);
    progress("writing", report.imported, report.planned);
    progress("syncing", report.imported, report.planned);
    // The commit reads the new entries into the index: the file and the plan are done.
    drop((planned, id_of_line));
    txn.commit()?;
    Ok(report)
}

/// What pass 1 learnt of a good row, for pass 2: 8 bytes (a million rows in 8 MB). What
/// pass 2 can read from the row again (its line, fields, legacy number, fingerprint) is
/// not kept.
struct Planned {
    /// The row's number in the file, from 0.
    index: u32,
    /// The status pass 1 found the record starts in (`Statuses`).
    status: u16,
}

/// What few rows have, kept apart by row number: steps their terms need, and holders of
/// their identity numbers the caller allowed them to share with.
#[derive(Default)]
struct Rare {
    steps: Vec<DueStep>,
    shares_with: Vec<Holder>,
}

/// The statuses rows start in, each named once.
#[derive(Default)]
struct Statuses(Vec<String>);

impl Statuses {
    fn number(&mut self, status: &str) -> u16 {
        match self.0.iter().position(|s| s == status) {
            Some(n) => n as u16,
            None => {
                self.0.push(status.to_string());
                (self.0.len() - 1) as u16
            }
        }
    }

    fn name(&self, number: u16) -> &str {
        &self.0[number as usize]
    }
}

/// 128 bits of a digest, as bytes (so a table of them packs without padding).
type Digest128 = [u8; 16];

/// A 128-bit digest of `text`, to tell a file's repeats without holding the text (two of
/// a million differ in it but for odds below 10^-26).
fn digest(text: &str) -> Digest128 {
    let d = sha2::Sha256::digest(text.as_bytes());
    d[..16].try_into().expect("16 bytes")
}

/// A fingerprint (32 hex digits) as its 16 bytes.
fn fingerprint_key(fingerprint: &str) -> Digest128 {
    u128::from_str_radix(fingerprint, 16)
        .map(u128::to_le_bytes)
        .unwrap_or_else(|_| digest(fingerprint))
}

enum Novelty {
    New,
    /// Already in the store or earlier in this file: skipped.
    Already,
    Conflict(String, Option<String>),
}

/// Is this row new? By legacy number when it has one, else by identical content.
fn novelty(
    session: &Session,
    kind: &Kind,
    legacy: &Option<String>,
    fingerprint: &str,
    seen_legacy: &HashMap<Digest128, u32>,
    seen_fingerprint: &HashSet<Digest128>,
) -> Novelty {
    match legacy {
        Some(l) => match session.index().legacy_id(&kind.name, l) {
            Some(id) if session.index().imported_as(fingerprint).as_ref() == Some(&id) => {
                Novelty::Already
            }
            Some(id) => Novelty::Conflict(
                t!("import-legacy-number-was-imported", l = l, id = id),
                Some(t!("import-change-docket-amend-give", id = id)),
            ),
            None => match seen_legacy.get(&digest(l)) {
                Some(first) => Novelty::Conflict(
                    t!("import-legacy-number-appears-again", l = l, first = first),
                    None,
                ),
                None => Novelty::New,
            },
        },
        None if session.index().imported_as(fingerprint).is_some()
            || seen_fingerprint.contains(&fingerprint_key(fingerprint)) =>
        {
            Novelty::Already
        }
        None => Novelty::New,
    }
}

/// A row's field values and legacy number, or every problem it has.
pub type RowValues =
    std::result::Result<(BTreeMap<String, Value>, Option<String>), Vec<InputError>>;

/// The record a reference cell names, given the referenced kind and the cell: its id, or
/// `None` when there is no such record.
type Refs<'a> = &'a dyn Fn(&str, &str) -> Option<String>;

/// References as the store resolves them: a docket id of the right kind, or a legacy
/// number imported earlier.
fn in_store(session: &Session) -> impl Fn(&str, &str) -> Option<String> + '_ {
    move |target, cell| match session.index().record(cell) {
        Some(h) if h.kind == target => Some(cell.to_string()),
        _ => session.index().legacy_id(target, cell),
    }
}

/// What an import does with a file before it looks anything up in a store: the file
/// recognised and decoded (`default_encoding` when it is not UTF-8), its header matched
/// to the kind's fields and the mapping, and every row's cells converted, a reference
/// taken as the id it is typed as. For the fuzz targets (`fuzz/`), which feed it
/// arbitrary files; `import` runs the same steps with the store at hand.
pub fn convert_file(
    kind: &Kind,
    mapping: &Mapping,
    bytes: &[u8],
    default_encoding: &str,
    delimiter: u8,
) -> Result<Vec<RowValues>> {
    const SHOWN: &str = "import.csv";
    recognise(SHOWN, bytes, bytes.iter().all(u8::is_ascii_whitespace))?;
    let (text, _) = encoding::decode(SHOWN, bytes, None, default_encoding)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| InputError::new(Location::file(SHOWN), t!("import-not-csv-header", e = e)))?
        .clone();
    let targets = column_targets(kind, &headers, mapping, SHOWN)?;
    let constants = constants(kind, mapping, SHOWN)?;
    let columns = Columns {
        targets: &targets,
        headers: &headers,
        file: SHOWN,
        constants: &constants,
        mapping,
    };
    let as_typed = |_: &str, cell: &str| is_safe_id(cell).then(|| cell.to_string());
    let mut lines = LineCounter::new(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            InputError::new(Location::file(SHOWN), t!("import-malformed-csv", e = e))
        })?;
        let line = record
            .position()
            .map_or(0, |p| lines.line_of_record(p.byte() as usize));
        rows.push(columns.values(&as_typed, &record, line));
    }
    Ok(rows)
}

/// How one file's columns become field values.
struct Columns<'a> {
    targets: &'a [Target<'a>],
    headers: &'a csv::StringRecord,
    file: &'a str,
    constants: &'a BTreeMap<String, Value>,
    mapping: &'a Mapping,
}

impl Columns<'_> {
    /// A row's field values (constants, then its cells) and legacy number, or its problems.
    fn values(&self, refs: Refs, record: &csv::StringRecord, line: usize) -> RowValues {
        let at = || Location::file(self.file).line(Some(line));
        let mut errors = Vec::new();
        if record.len() != self.headers.len() {
            errors.push(InputError::new(
                at(),
                t!(
                    "import-columns-where-header-has",
                    len = record.len(),
                    len2 = self.headers.len()
                ),
            ));
        }
        let mut fields = self.constants.clone();
        let mut legacy = None;
        for (target, (column, cell)) in self
            .targets
            .iter()
            .zip(self.headers.iter().zip(record.iter()))
        {
            // Undo the quote an export puts before a would-be formula (`'=…`).
            let cell = from_cell(cell.trim());
            match target {
                Target::Skip => {}
                Target::Legacy if cell.is_empty() => {}
                Target::Legacy if !is_safe_id(cell) => errors.push(
                    InputError::new(
                        at(),
                        t!(
                            "import-column-value-not-usable",
                            column = column,
                            cell = cell
                        ),
                    )
                    .hint(t!("import-legacy-numbers-use-letters")),
                ),
                Target::Legacy => legacy = Some(cell.to_string()),
                Target::Field(_) if cell.is_empty() => {}
                Target::Field(field) => match convert(refs, field, cell, self.mapping) {
                    Ok(v) => {
                        fields.insert(field.name.clone(), v);
                    }
                    Err(m) => {
                        // Never echo personal data, even the user's own bad input.
                        let shown = field
                            .pii
                            .as_ref()
                            .map(|_| mask(field.mask, cell))
                            .unwrap_or_else(|| cell.to_string());
                        errors.push(InputError::new(
                            at().field(&field.name),
                            t!("import-column-value", column = column, shown = shown, m = m),
                        ));
                    }
                },
            }
        }
        if errors.is_empty() {
            Ok((fields, legacy))
        } else {
            Err(errors)
        }
    }
}

fn column_targets<'k>(
    kind: &'k Kind,
    headers: &csv::StringRecord,
    mapping: &Mapping,
    file: &str,
) -> Result<Vec<Target<'k>>> {
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    let mut fed: HashMap<&str, &str> = HashMap::new();
    for column in headers.iter() {
        let column = column.trim();
        if column == mapping.legacy {
            targets.push(Target::Legacy);
        } else if mapping.skip.iter().any(|s| s == column) || EXPORT_ONLY.contains(&column) {
            targets.push(Target::Skip);
        } else {
            let name = mapping.field_for(column);
            match kind.field(name) {
                Some(f) => {
                    if let Some(other) = fed.insert(&f.name, column) {
                        errors.push(InputError::new(
                            Location::file(file).line(Some(1)),
                            t!(
                                "import-columns-both-feed-field",
                                other = other,
                                column = column,
                                name = name
                            ),
                        ));
                    }
                    targets.push(Target::Field(f));
                }
                None if mapping.columns.contains_key(column) => {
                    errors.push(super::input::unknown_field(
                        kind,
                        Location::file(t!("import-mapping-columns", file = file, column = column)),
                        name,
                    ));
                    targets.push(Target::Skip);
                }
                None => {
                    let fields: Vec<&str> = kind.fields.iter().map(|f| f.name.as_str()).collect();
                    errors.push(
                        InputError::new(
                            Location::file(file).line(Some(1)),
                            t!("import-column-not-field", column = column, name = kind.name),
                        )
                        .hint(
                            match crate::text::closest(column, fields.iter().copied()) {
                                Some(f) => t!("import-did-you-mean-map", f = f),
                                None => t!("import-map-field-mapping-s", name = kind.name),
                            },
                        ),
                    );
                    targets.push(Target::Skip);
                }
            }
        }
    }
    // A mapping naming a column the file does not have is a typo in one of them.
    let present: Vec<&str> = headers.iter().map(str::trim).collect();
    for named in mapping.columns.keys().chain(&mapping.skip) {
        if !present.contains(&named.as_str()) {
            errors.push(
                InputError::new(
                    Location::file(format!("{file} (mapping)")),
                    t!("import-mapping-names-column-which", named = named),
                )
                .hint(crate::text::suggest(named, &t!("text-columns"), &present)),
            );
        }
    }
    if errors.is_empty() {
        Ok(targets)
    } else {
        Err(Error::Invalid(errors))
    }
}

fn constants(kind: &Kind, mapping: &Mapping, file: &str) -> Result<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    for (name, text) in &mapping.constants {
        let at = Location::file(t!("import-mapping-constants", file = file)).field(name);
        let field = kind
            .field(name)
            .ok_or_else(|| super::input::unknown_field(kind, at.clone(), name))?;
        let v = field
            .parse_typed(text)
            .map_err(|m| InputError::new(at, m))?;
        out.insert(name.clone(), v);
    }
    Ok(out)
}

/// A cell's value by the field's type and the mapping's conversions.
fn convert(
    refs: Refs,
    field: &Field,
    cell: &str,
    mapping: &Mapping,
) -> std::result::Result<Value, String> {
    if field.pii.is_some() && cell.contains("**") {
        return Err(t!("import-holds-masked-value-looks"));
    }
    let cell = &*field.typed(cell);
    match &field.ty {
        FieldType::Date => mapping.date(cell).map(Value::Date).ok_or_else(|| {
            t!(
                "import-not-date-accepted-formats",
                join = mapping.date_formats.join(", ")
            )
        }),
        FieldType::Bool => mapping.boolean(cell).map(Value::Bool).ok_or_else(|| {
            t!(
                "import-not-boolean-add-mapping",
                join = mapping.yes.join(", "),
                join2 = mapping.no.join(", ")
            )
        }),
        FieldType::List(item) => cell
            .split(mapping.separator.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match item.as_ref() {
                FieldType::Date => mapping
                    .date(s)
                    .map(Value::Date)
                    .ok_or_else(|| t!("import-not-date-accepted-formats-2", s = s)),
                other => other.parse_text(s),
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map(Value::List),
        FieldType::Ref(target) => refs(target, cell).map(Value::Str).ok_or_else(|| {
            t!(
                "import-no-record-id-legacy",
                target = target,
                target = target
            )
        }),
        other => other.parse_text(cell),
    }
}

/// What identifies a row's content, whatever its formatting in the file.
fn fingerprint(kind: &Kind, fields: &BTreeMap<String, Value>) -> String {
    let mut table = toml::Table::new();
    for (k, v) in fields {
        table.insert(k.clone(), v.to_toml());
    }
    let canonical = format!(
        "{}\n{}",
        kind.name,
        toml::to_string(&table).unwrap_or_default()
    );
    sha256_hex(canonical.as_bytes())[..32].to_string()
}

fn write_rejects(
    path: &Path,
    headers: &csv::StringRecord,
    rejected: &[(usize, csv::StringRecord, String)],
) -> Result<()> {
    let mut w = csv::Writer::from_path(path)
        .map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))?;
    let mut header: Vec<&str> = vec!["_line", "_error"];
    header.extend(headers.iter());
    w.write_record(&header)
        .map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))?;
    for (line, record, error) in rejected {
        // Cells as an export writes the values they hold: escaped, would-be formulas
        // quoted, so the corrected rows import to what these would have.
        let mut row: Vec<String> = vec![line.to_string(), to_cell(error).into_owned()];
        row.extend(record.iter().map(|c| to_cell(from_cell(c)).into_owned()));
        w.write_record(&row)
            .map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))?;
    }
    w.flush().at(path)
}

/// Whether the kind has a field whose values belong to one record (an identity number).
fn has_unique(kind: &Kind) -> bool {
    kind.fields.iter().any(|f| f.unique)
}
