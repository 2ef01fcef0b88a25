//! Reading records: `show`, `query`, `history`, `diff`. Personal data is masked unless a
//! permitted reveal was granted, and every reveal is logged with its purpose.

use super::matches::{Match, Matches, in_order};
use super::runs::Runs;
use crate::audit::RecordHead;
use crate::audit::act::Act;
use crate::cache::rows::{Kept, Narrowed, Row, Rows};
use crate::error::{Error, InputError, Location, Result};
use crate::journal::Transaction;
use crate::policy::reveal::{Reveal, shown_fields};
use crate::schema::Schemas;
use crate::schema::expr::{Access, Expr};
use crate::schema::kind::Kind;
use crate::schema::value::{FieldType, Value};
use crate::session::{Binding, Session, Writer};
use crate::store::version::{Approval, ArchiveInfo, DueStep, Version};
use std::collections::{BTreeMap, BTreeSet};

/// A record as it may be shown to the acting actor.
#[derive(Debug, Clone)]
pub struct RecordView {
    pub id: String,
    pub kind: String,
    pub version: u32,
    pub status: String,
    pub written_at: String,
    pub written_by: String,
    /// The policy version its terms were judged by.
    pub policy: u32,
    /// The department it is filed under; none: the centre.
    pub department: Option<String>,
    pub legacy_no: Option<String>,
    pub fields: BTreeMap<String, Value>,
    /// The approval steps its terms need (contracts).
    pub steps: Vec<DueStep>,
    pub approvals: Vec<Approval>,
    pub archive: Option<ArchiveInfo>,
    /// PII classes of its fields shown masked: with a reveal, those the role may not see.
    pub still_masked: BTreeSet<String>,
}

pub fn view(
    kind: &Kind,
    v: &Version,
    reveal: Option<&Reveal>,
    revealed: &mut BTreeSet<String>,
) -> RecordView {
    let (fields, classes) = shown_fields(kind, &v.fields, reveal);
    let still_masked = v
        .fields
        .keys()
        .filter_map(|n| kind.field(n)?.pii.clone())
        .filter(|c| !classes.contains(c))
        .collect();
    revealed.extend(classes);
    RecordView {
        id: v.id.clone(),
        kind: v.kind.clone(),
        version: v.version,
        status: v.status.clone(),
        written_at: v.written_at.clone(),
        written_by: v.written_by.clone(),
        policy: v.policy,
        department: v.department.clone(),
        legacy_no: v.legacy_no.clone(),
        fields,
        steps: v.steps.clone(),
        approvals: v.approvals.clone(),
        archive: v.archive.clone(),
        still_masked,
    }
}

/// A record as its row shows it without a reveal.
fn view_of_row(
    id: &str,
    head: &RecordHead,
    fields: BTreeMap<String, Value>,
    status: String,
    shown: crate::cache::columns::Shown,
) -> RecordView {
    RecordView {
        id: id.to_string(),
        kind: head.kind.clone(),
        version: head.version,
        status,
        written_at: shown.written_at,
        written_by: shown.written_by,
        policy: shown.policy,
        department: shown.department,
        legacy_no: shown.legacy_no,
        fields,
        steps: shown.steps,
        approvals: shown.approvals,
        archive: shown.archive,
        still_masked: shown.still_masked,
    }
}

/// What a read revealed: logged (R-C16) before anything is shown.
#[derive(Debug, Clone)]
pub struct Revealed {
    pub command: String,
    /// The records shown.
    pub ids: Vec<String>,
    pub classes: BTreeSet<String>,
    pub purpose: String,
    /// Personal fields a filter or sort read (`phone`, `customer.id_number`).
    pub read: Vec<String>,
    /// Every record the filter matched on them.
    pub matched: Vec<String>,
}

/// `Some` only when something personal was shown.
fn revealed(
    command: &str,
    ids: Vec<String>,
    classes: BTreeSet<String>,
    reveal: Option<&Reveal>,
) -> Option<Revealed> {
    let reveal = reveal?;
    (!classes.is_empty() && !ids.is_empty()).then(|| Revealed {
        command: command.to_string(),
        ids,
        classes,
        purpose: reveal.purpose.clone(),
        read: Vec::new(),
        matched: Vec::new(),
    })
}

/// Log what was revealed, to whom and why, as a signed entry. Takes the list of ids it
/// logs: a revealed export of a million records holds it once, not twice.
pub fn log_reveal(w: &mut Writer, r: Revealed) -> Result<()> {
    let record = match r.ids.as_slice() {
        [one] => one.clone(),
        _ => String::new(),
    };
    let mut txn = Transaction::begin(w);
    let act = Act::Reveal {
        record,
        command: r.command,
        purpose: r.purpose,
        classes: r.classes.into_iter().collect(),
        records: r.ids,
        filtered_on: r.read,
        matched: r.matched,
    };
    txn.act(&act, Vec::new());
    // The entry holds the ids now: let the list go before the commit.
    drop(act);
    txn.commit()
}

pub fn show(
    session: &Session,
    id: &str,
    version: Option<u32>,
    reveal: Option<&Reveal>,
) -> Result<(RecordView, Option<Revealed>)> {
    let v = match version {
        Some(n) => session.load_version(id, n)?,
        None => session.load(id)?,
    };
    let schemas = session.schemas_at(v.policy)?;
    let kind = schemas.kind(&v.kind)?;
    let mut classes = BTreeSet::new();
    let out = view(kind, &v, reveal, &mut classes);
    let note = revealed("show", vec![v.id.clone()], classes, reveal);
    Ok((out, note))
}

/// The statuses a record can be in.
pub const STATUSES: [&str; 7] = [
    "pending",
    "active",
    "rejected",
    "completed",
    "terminated",
    "withdrawn",
    "archived",
];

/// The status named `name`, or titled so in any language docket speaks (`待审批`).
pub fn status_named(name: &str) -> Option<&'static str> {
    STATUSES.iter().copied().find(|s| {
        *s == name
            || [crate::i18n::Lang::En, crate::i18n::Lang::ZhCn]
                .iter()
                .any(|lang| {
                    crate::i18n::lookup_in(*lang, &format!("status-{s}")).as_deref() == Some(name)
                })
    })
}

/// Names that are not fields (or statuses) of the kinds in scope are typos: exit 5 with
/// the closest name.
fn check_names(
    schemas: &Schemas,
    only_kind: Option<&Kind>,
    spec: &QuerySpec,
    filter: Option<&Expr>,
) -> Result<()> {
    if let Some(e) = filter {
        // The same mistakes are errors with or without a kind: a name no kind in scope
        // has, or a literal of another sort than the field, would only ever match nothing.
        let fields: Vec<&str> = e
            .variables()
            .iter()
            .map(String::as_str)
            .filter(|v| !crate::schema::expr::RECORD_VARIABLES.contains(v))
            .collect();
        check_columns(schemas, only_kind, &fields, "--where")?;
        for kind in schemas.kinds.values() {
            if only_kind.is_none_or(|k| k.name == kind.name) {
                check_comparisons(schemas, kind, e)?;
            }
        }
    }
    if let Some(s) = spec.status
        && !STATUSES.contains(&s)
    {
        return Err(
            InputError::new(Location::file("--status"), t!("read-no-status", s = s))
                .hint(crate::text::suggest(s, &t!("text-statuses"), &STATUSES))
                .into(),
        );
    }
    if let Some(key) = spec.sort {
        check_columns(schemas, only_kind, &[key.trim_start_matches('-')], "--sort")?;
    }
    Ok(())
}

/// A field compared with a literal of another sort (`meter_reading_m3 > '100'`) never
/// matches: refuse it rather than return nothing.
fn check_comparisons(schemas: &Schemas, kind: &Kind, e: &Expr) -> Result<()> {
    use crate::schema::expr::Class;
    let class = |ty: &FieldType| match ty {
        FieldType::Integer | FieldType::Money { .. } => Some(Class::Number),
        FieldType::String | FieldType::Enum(_) | FieldType::Ref(_) | FieldType::Date => {
            Some(Class::Text)
        }
        FieldType::Bool => Some(Class::Bool),
        FieldType::List(_) => None,
    };
    for c in e.comparisons() {
        let field = match (&c.field, kind.field(&c.name)) {
            (None, Some(f)) => Some((c.name.clone(), &f.ty)),
            (Some(sub), Some(f)) => match &f.ty {
                FieldType::Ref(target) => schemas
                    .kinds
                    .get(target)
                    .and_then(|t| t.field(sub))
                    .map(|rf| (format!("{}.{sub}", c.name), &rf.ty)),
                _ => None,
            },
            _ => None,
        };
        let Some((name, ty)) = field else { continue };
        if let (FieldType::Ref(_), None) = (ty, &c.field) {
            return Err(InputError::new(
                Location::file("--where"),
                t!("read-reference-compared-whole", name = name),
            )
            .hint(t!("read-compare-reference-id", name = name))
            .into());
        }
        if let Some(theirs) = class(ty)
            && theirs != c.literal
        {
            return Err(InputError::new(
                Location::file("--where"),
                t!(
                    "read-compared",
                    name = name,
                    name2 = theirs.name(),
                    name3 = c.literal.name()
                ),
            )
            .hint(match theirs {
                Class::Number => t!("read-write-numbers-without-quotes", name = name),
                Class::Text => t!("read-quote-text-e-g", name = name),
                Class::Bool => t!("read-write-true-just", name = name, name = name),
            })
            .into());
        }
    }
    Ok(())
}

/// Columns (`--fields`, `--sort`) name fields of the kind, or of some kind when none is
/// given, or the record's own `id`, `kind`, `status` or `version`.
pub fn check_columns(
    schemas: &Schemas,
    only_kind: Option<&Kind>,
    names: &[&str],
    flag: &str,
) -> Result<()> {
    for name in names {
        if matches!(*name, "id" | "kind" | "status" | "version") {
            continue;
        }
        let known = match only_kind {
            Some(k) => k.field(name).is_some(),
            None => schemas.kinds.values().any(|k| k.field(name).is_some()),
        };
        if known {
            continue;
        }
        return Err(match only_kind {
            Some(k) => super::input::unknown_field(k, Location::file(flag), name).into(),
            None => {
                let all: BTreeSet<&str> = schemas
                    .kinds
                    .values()
                    .flat_map(|k| k.fields.iter().map(|f| f.name.as_str()))
                    .collect();
                let all: Vec<&str> = all.into_iter().collect();
                InputError::new(
                    Location::file(flag),
                    t!("read-no-kind-has-field", name = name),
                )
                .hint(crate::text::suggest(name, &t!("text-fields"), &all))
                .into()
            }
        });
    }
    Ok(())
}

pub struct QuerySpec<'a> {
    /// The command, as named in a reveal's audit entry (`query`, `export`).
    pub command: &'a str,
    pub kind: Option<&'a str>,
    pub filter: Option<&'a str>,
    pub status: Option<&'a str>,
    pub sort: Option<&'a str>,
    pub limit: Option<usize>,
    /// Only records that refer to this record (`--customer CUS-…`: a customer's contracts).
    pub refers_to: Option<&'a str>,
}

/// The personal fields an expression reads, directly or through a reference, by the
/// syntax tree: `phone` → contact, `customer.id_number` → identity. A reference read as
/// a whole reads every personal field of the record it names.
fn pii_read(schemas: &Schemas, kind: &Kind, expr: &Expr) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, access) in expr.reads() {
        let Some(f) = kind.field(&name) else { continue };
        if let Some(c) = &f.pii {
            out.insert(name.clone(), c.clone());
        }
        let FieldType::Ref(target) = &f.ty else {
            continue;
        };
        let Ok(rk) = schemas.kind(target) else {
            continue;
        };
        for rf in &rk.fields {
            let read = match &access {
                Access::Whole => true,
                Access::Fields(fields) => fields.contains(&rf.name),
            };
            if let (true, Some(c)) = (read, &rf.pii) {
                out.insert(format!("{name}.{}", rf.name), c.clone());
            }
        }
    }
    out
}

/// Filtering or sorting on personal data is itself a look at it: it needs a reveal
/// that covers the class, or masked values could be probed one guess at a time.
fn require_reveal_for(
    session: &Session,
    classes: &BTreeSet<String>,
    reveal: Option<&Reveal>,
    what: &str,
) -> Result<()> {
    let missing: Vec<&String> = classes
        .iter()
        .filter(|c| !reveal.is_some_and(|r| r.classes.contains(*c)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::denied(
        t!(
            "read-reads-personal-data-needs",
            what = what,
            iter = missing
                .iter()
                .map(|s| crate::i18n::class_title(s))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(t!(
            "read-actor-has-role",
            actor = session.actor()?.name,
            role = session.actor()?.role
        )),
    ))
}

/// The records `spec` asks for, as shown to the acting actor, and what showing them
/// reveals.
pub fn query(
    session: &Session,
    spec: &QuerySpec,
    reveal: Option<&Reveal>,
) -> Result<(Vec<RecordView>, Option<Revealed>)> {
    let mut views = Vec::new();
    let note = query_each(session, spec, reveal, &mut |batch| {
        views.extend(batch);
        Ok(())
    })?;
    Ok((views, note))
}

/// The records `spec` asks for, handed to `each` a batch at a time in their order (so
/// memory holds one batch of records read, whatever the store's size), and what showing
/// them all reveals.
pub fn query_each(
    session: &Session,
    spec: &QuerySpec,
    reveal: Option<&Reveal>,
    each: &mut dyn FnMut(Vec<RecordView>) -> Result<()>,
) -> Result<Option<Revealed>> {
    let schemas = session.schemas().clone();
    let only_kind = match spec.kind {
        Some(k) => Some(schemas.kind(k)?),
        None => None,
    };
    let filter = match spec.filter {
        None => None,
        Some(src) => {
            Some(Expr::compile(src).map_err(|m| InputError::new(Location::file("--where"), m))?)
        }
    };
    check_names(&schemas, only_kind, spec, filter.as_ref())?;
    let in_scope = |k: &&Kind| only_kind.is_none_or(|o| o.name == k.name);
    // Personal fields the filter and sort read: each such read is a reveal.
    let mut read_fields: BTreeMap<String, String> = BTreeMap::new();
    if let Some(e) = &filter {
        for kind in schemas.kinds.values().filter(in_scope) {
            let fields = pii_read(&schemas, kind, e);
            let classes = fields.values().cloned().collect();
            require_reveal_for(session, &classes, reveal, "--where")?;
            read_fields.extend(fields);
        }
    }
    let sort = spec.sort.map(|key| match key.strip_prefix('-') {
        Some(k) => (k, true),
        None => (key, false),
    });
    if let Some((key, _)) = sort {
        for kind in schemas.kinds.values().filter(in_scope) {
            if let Some(c) = kind.field(key).and_then(|f| f.pii.clone()) {
                require_reveal_for(session, &BTreeSet::from([c.clone()]), reveal, "--sort")?;
                read_fields.insert(key.to_string(), c);
            }
        }
    }
    let sort_key = sort
        .map(|(k, _)| k)
        .filter(|k| !matches!(*k, "id" | "status"));
    let referred = spec
        .refers_to
        .map(|id| referred(session, &schemas, id))
        .transpose()?;
    let look = Look {
        filter: filter.as_ref(),
        status: spec.status,
        sort_key,
        order: sort,
        limit: spec.limit,
        shown: &|class: &str| reveal.is_some_and(|r| r.classes.contains(class)),
        refers_to: referred.as_ref().map(|(id, kind)| (id.as_str(), *kind)),
        views_from_rows: reveal.is_none(),
    };
    // Every row current (a filter may read a referenced record's row). Like the log
    // index, the rows live as long as the process: not freed one by one.
    let rows = match read_fields.is_empty() {
        true => Some(std::mem::ManuallyDrop::new(session.rows()?)),
        false => None,
    };
    if let (Some(rows), Some(kind), None, None) = (&rows, only_kind, reveal, sort)
        && session.index().settled_at().is_some()
        && session.index().added().records.is_empty()
        && rows.held_in_memory().next().is_none()
    {
        stream_from_rows(session, rows, (&schemas, kind), &look, spec.limit, each)?;
        return Ok(None);
    }
    let gathered = match &rows {
        Some(rows) => matching_from_rows(session, rows, &schemas, only_kind, &look)?,
        None => matching_from_files(session, &schemas, only_kind, &look)?,
    };
    let order = |a: &Match, b: &Match| in_order(sort, a, b);
    let decode = |line: &str| super::matches::decode(line, &schemas);
    // The ids a reveal's log entry lists: only when there is a reveal to log.
    let reads_personal = reveal.is_some() && !read_fields.is_empty();
    let mut all_matched: Vec<String> = Vec::new();
    let reader = session.reader();
    let mut classes = BTreeSet::new();
    let mut ids = Vec::new();
    // What is printed is read from the version files and checked against the log, on
    // both cores, a batch at a time in print order.
    let mut show = |batch: &[Shown]| -> Result<()> {
        // Without a reveal, what a record shows is its row's, when the row shows it
        // exactly (kept while matching, or read again); the rest is read from the
        // version files.
        let kept = on_both_cores(batch, |chunk| {
            Ok(chunk
                .iter()
                .map(|(_, _, kind, kept)| kept.as_ref().and_then(|k| k.shown(kind)))
                .collect())
        })?;
        let mut shown: Vec<_> = match rows.as_ref().filter(|_| reveal.is_none()) {
            Some(rows) => {
                let wanted: Vec<_> = batch
                    .iter()
                    .zip(&kept)
                    .filter(|(_, k)| k.is_none())
                    .map(|((i, h, k, _), _)| (i.as_str(), h, *k))
                    .collect();
                let mut found = rows.shown(&wanted).into_iter();
                kept.into_iter()
                    .map(|k| match k {
                        Some(k) => Some(k),
                        None => found.next().flatten(),
                    })
                    .collect()
            }
            None => kept,
        };
        let unread: Vec<_> = batch
            .iter()
            .zip(&shown)
            .filter(|(_, s)| s.is_none())
            .map(|(m, _)| (&m.0, &m.1, m.2))
            .collect();
        let mut read = on_both_cores(&unread, |chunk| {
            chunk
                .iter()
                .map(|(id, head, kind)| Ok((reader.version_of(id, head, head.version)?, *kind)))
                .collect()
        })?
        .into_iter();
        let views: Vec<RecordView> = batch
            .iter()
            .zip(shown.iter_mut())
            .map(|((id, head, _, _), s)| match s.take() {
                Some((fields, status, shown)) => view_of_row(id, head, fields, status, shown),
                None => {
                    let (v, kind) = read
                        .next()
                        .expect("one version read for each record not shown");
                    view(kind, &v, reveal, &mut classes)
                }
            })
            .collect();
        if reveal.is_some() {
            ids.extend(views.iter().map(|v| v.id.clone()));
        }
        each(views)?;
        Ok(())
    };
    let mut batch: Vec<Shown> = Vec::new();
    let mut left = spec.limit.unwrap_or(usize::MAX);
    for m in gathered.sorted(&order, &decode)? {
        let m = m?;
        if reads_personal {
            all_matched.push(m.id.clone());
        }
        if left == 0 {
            if reads_personal {
                continue;
            }
            break;
        }
        left -= 1;
        batch.push((m.id, m.head, m.kind, m.kept));
        if batch.len() == crate::cache::rows::ROWS_AT_ONCE {
            show(&batch)?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        show(&batch)?;
    }
    let mut note = revealed(spec.command, ids, classes, reveal);
    if let Some(r) = reveal
        && !read_fields.is_empty()
    {
        let n = note.get_or_insert_with(|| Revealed {
            command: spec.command.to_string(),
            ids: Vec::new(),
            classes: BTreeSet::new(),
            purpose: r.purpose.clone(),
            read: Vec::new(),
            matched: Vec::new(),
        });
        n.read = read_fields.keys().cloned().collect();
        n.classes.extend(read_fields.values().cloned());
        n.matched = all_matched;
    }
    Ok(note)
}

/// Run `work` on the two halves of `items` on two threads; the results in order.
fn on_both_cores<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&[T]) -> Result<Vec<R>> + Sync,
) -> Result<Vec<R>> {
    let half = items.len().div_ceil(2).max(1);
    let parts: Vec<Result<Vec<R>>> = std::thread::scope(|s| {
        let workers: Vec<_> = items
            .chunks(half)
            .map(|chunk| s.spawn(|| work(chunk)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    Err(crate::error::Error::Internal(
                        "a worker thread failed".into(),
                    ))
                })
            })
            .collect()
    });
    let mut out = Vec::with_capacity(items.len());
    for part in parts {
        out.extend(part?);
    }
    Ok(out)
}

/// Keep only the first `look.limit` of `matched` in print order, once it holds many more:
/// a query with `--limit` holds a few matches whatever the store's size.
fn keep_first(matched: &mut Matches, look: &Look) {
    let Some(limit) = look.limit else {
        return;
    };
    if matched.len() > 2 * limit + 4096 {
        matched.sort_by(|a, b| in_order(look.order, a, b));
        matched.truncate(limit);
    }
}

/// A match as it is shown: its id, current version, kind and the row kept to show it.
type Shown<'k> = (String, RecordHead, &'k Kind, Option<Box<Kept>>);

/// How many matches a query holds before it writes them to disk as a sorted run (about
/// 300 bytes each). Debug builds write runs of a thousand, so the tests' stores of a few
/// thousand records go through the merge.
const RUN: usize = if cfg!(debug_assertions) {
    1_000
} else {
    100_000
};

/// The matches a query has found, the last of them held, earlier ones in sorted runs.
type Gathered<'k> = Runs<Match<'k>>;

/// Runs made beside the log, as the journal's and a revealed export's are.
fn gathered<'k>(session: &Session) -> Gathered<'k> {
    Runs::new(RUN, &session.store().abs(crate::layout::RECORDS_DIR))
}

/// Take `found` in: with `--limit`, only the first so far are kept; otherwise a run's
/// worth goes to disk.
fn gather<'k>(gathered: &mut Gathered<'k>, found: Vec<Match<'k>>, look: &Look) -> Result<()> {
    gathered.held().extend(found);
    if look.limit.is_some() {
        keep_first(gathered.held(), look);
        return Ok(());
    }
    gathered.spill_if_full(&|a, b| in_order(look.order, a, b), &super::matches::encode)
}

/// What a query looks for, and which personal classes its expression may see unmasked.
struct Look<'a> {
    filter: Option<&'a Expr>,
    status: Option<&'a str>,
    sort_key: Option<&'a str>,
    /// The sort (`None`: by id) and how many matches are printed.
    order: Option<(&'a str, bool)>,
    limit: Option<usize>,
    shown: &'a (dyn Fn(&str) -> bool + Sync),
    /// The record the matches must refer to, and its kind.
    refers_to: Option<(&'a str, &'a str)>,
    /// What is printed may be read from the rows: nothing is revealed.
    views_from_rows: bool,
}

/// Whether one of the record's references names `id`, a record of kind `target`.
fn refers(kind: &Kind, fields: &BTreeMap<String, Value>, (id, target): (&str, &str)) -> bool {
    kind.fields.iter().any(|f| {
        matches!(&f.ty, FieldType::Ref(t) if t == target)
            && matches!(fields.get(&f.name), Some(Value::Str(v)) if v == id)
    })
}

/// A reference field of some kind pointing at kind `target`.
fn is_reference_to(kind: &Kind, name: &str, target: &str) -> bool {
    kind.field(name)
        .is_some_and(|f| matches!(&f.ty, FieldType::Ref(t) if t == target))
}

/// Whether some kind has a field referring to kind `target` (a contract to a customer).
pub fn is_referred_to(schemas: &Schemas, target: &str) -> bool {
    schemas
        .kinds
        .values()
        .any(|k| k.fields.iter().any(|f| is_reference_to(k, &f.name, target)))
}

/// The record `--customer` names, as the store spells its id, with its kind: it must
/// exist and be of a kind some other kind refers to.
fn referred<'a>(session: &Session, schemas: &'a Schemas, id: &str) -> Result<(String, &'a str)> {
    let id = session.canonical_id(id);
    let head = session
        .index()
        .record(&id)
        .ok_or_else(|| session.unknown_id(&id))?;
    let target = schemas
        .kinds
        .get(&head.kind)
        .map(|k| k.name.as_str())
        .ok_or_else(|| session.unknown_id(&id))?;
    if !is_referred_to(schemas, target) {
        return Err(InputError::new(
            Location::file("--customer"),
            t!("read-no-kind-refers", kind = target, id = id),
        )
        .into());
    }
    Ok((id, target))
}

/// How many matching rows a query keeps while it looks for more (about 1 KiB each), to
/// show them without reading them again.
const ROWS_KEPT: usize = 50_000;

/// The records that match, filtering on the rows (no personal data needed): in the
/// database where the settled index allows, then judged by the filter itself.
fn matching_from_rows<'k>(
    session: &Session,
    rows: &Rows,
    schemas: &'k Schemas,
    only_kind: Option<&Kind>,
    look: &Look,
) -> Result<Gathered<'k>> {
    if session.index().settled_at().is_none() {
        return matching_from_all_rows(session, rows, schemas, only_kind, look);
    }
    // Records the entries after the settled index changed, and rows the database did not
    // take, are judged one by one: the database's copy of them may be behind.
    let added = session.index().added().records;
    let apart: BTreeSet<&str> = added
        .ids()
        .chain(rows.held_in_memory().map(String::as_str))
        .collect();
    let narrowing = look.filter.and_then(Expr::narrowing);
    let mut matched = gathered(session);
    let mut found = 0;
    // What the first matches show is kept as they are found (on both cores), so a query
    // that finds a few thousand records reads each row once; the views of any more are
    // read again when printed, so memory stays bounded.
    for kind in schemas.kinds.values() {
        if only_kind.is_some_and(|o| o.name != kind.name) {
            continue;
        }
        let condition = narrowed_by(kind, narrowing.as_ref(), look);
        rows.narrowed(kind, condition, |page| {
            // Counted as found, not as held: a limited query drops most of what it finds.
            let keep = look.views_from_rows && found < ROWS_KEPT;
            let page = judge_page(session, rows, (schemas, kind), look, page, &apart, keep)?;
            found += page.len();
            gather(&mut matched, page, look)?;
            Ok::<bool, Error>(true)
        })?;
    }
    let mut rest = Vec::new();
    for id in &apart {
        let Some(head) = session.index().record(id) else {
            continue;
        };
        let Ok(kind) = schemas.kind(&head.kind) else {
            continue;
        };
        if only_kind.is_some_and(|o| o.name != kind.name)
            || !session.reaches(head.department.as_deref())
        {
            continue;
        }
        if let Some(row) = rows.row(id).filter(|r| r.is_of(&head)) {
            rest.push((id.to_string(), head, kind, row));
        }
    }
    let rest: Vec<_> = rest.iter().map(|(id, h, k, r)| (id, h, *k, r)).collect();
    let rest = on_both_cores(&rest, |chunk| matching_rows(schemas, rows, chunk, look))?;
    gather(&mut matched, rest, look)?;
    Ok(matched)
}

/// The matches among a page of narrowed rows, judged on both cores; with `keep`, each
/// with its row kept to show it.
fn judge_page<'k>(
    session: &Session,
    rows: &Rows,
    (schemas, kind): (&'k Schemas, &'k Kind),
    look: &Look,
    page: Vec<Narrowed>,
    apart: &BTreeSet<&str>,
    keep: bool,
) -> Result<Matches<'k>> {
    let page: Vec<_> = page
        .into_iter()
        .filter(|n| !apart.contains(n.id.as_str()) && session.reaches(n.head.department.as_deref()))
        .collect();
    on_both_cores(&page, |chunk| {
        let candidates: Vec<_> = chunk
            .iter()
            .map(|n| (&n.id, &n.head, kind, &n.row))
            .collect();
        let mut found = matching_rows(schemas, rows, &candidates, look)?;
        if keep {
            let mut chunk = chunk.iter();
            for m in &mut found {
                let n = chunk
                    .find(|n| n.id == m.id)
                    .expect("a match is one of the chunk");
                m.kept = n.keep().map(Box::new);
            }
        }
        Ok(found)
    })
}

/// A query of one kind without a reveal or a sort, on a settled index with nothing
/// after it: its records found in id order a page at a time and handed to `each` as
/// they are, so memory holds one page whatever the store's size.
fn stream_from_rows(
    session: &Session,
    rows: &Rows,
    (schemas, kind): (&Schemas, &Kind),
    look: &Look,
    limit: Option<usize>,
    each: &mut dyn FnMut(Vec<RecordView>) -> Result<()>,
) -> Result<()> {
    let narrowing = look.filter.and_then(Expr::narrowing);
    let condition = narrowed_by(kind, narrowing.as_ref(), look);
    let mut left = limit.unwrap_or(usize::MAX);
    let reader = session.reader();
    rows.narrowed(kind, condition, |page| {
        let found = judge_page(
            session,
            rows,
            (schemas, kind),
            look,
            page,
            &BTreeSet::new(),
            true,
        )?;
        let found: Vec<_> = found.into_iter().take(left).collect();
        left -= found.len();
        let views = on_both_cores(&found, |chunk| {
            chunk
                .iter()
                .map(|m| match m.kept.as_ref().and_then(|k| k.shown(kind)) {
                    Some((fields, status, shown)) => {
                        Ok(view_of_row(&m.id, &m.head, fields, status, shown))
                    }
                    None => {
                        let v = reader.version_of(&m.id, &m.head, m.head.version)?;
                        Ok(view(kind, &v, None, &mut BTreeSet::new()))
                    }
                })
                .collect()
        })?;
        each(views)?;
        Ok(left > 0)
    })
}

/// The SQL a query's filter, status and `--customer` narrow `kind`'s rows by.
fn narrowed_by(
    kind: &Kind,
    narrowing: Option<&crate::schema::expr::Narrowing>,
    look: &Look,
) -> Option<(String, Vec<rusqlite::types::Value>)> {
    use crate::cache::columns;
    use crate::schema::expr::{Literal, Narrowing, Op};
    let mut parts = Vec::new();
    if let Some(status) = look.status {
        parts.push(Narrowing::Compare {
            name: "status".into(),
            op: Op::Eq,
            literal: Literal::Text(status.into()),
        });
    }
    parts.extend(narrowing.cloned());
    let mut condition = columns::condition(kind, &Narrowing::All(parts));
    if let Some((id, target)) = look.refers_to {
        let refs: Vec<String> = kind
            .fields
            .iter()
            .filter(|f| is_reference_to(kind, &f.name, target))
            .map(|f| format!("k.{} = ?", columns::column(&f.name)))
            .collect();
        let args = vec![rusqlite::types::Value::Text(id.into()); refs.len()];
        let refs = match refs.is_empty() {
            true => "0".to_string(),
            false => refs.join(" OR "),
        };
        condition = Some(match condition {
            None => (refs, args),
            Some((sql, mut before)) => {
                before.extend(args);
                (format!("({sql}) AND ({refs})"), before)
            }
        });
    }
    condition
}

/// The records that match, checking every row in turn (an index built whole, as
/// without a state folder).
fn matching_from_all_rows<'k>(
    session: &Session,
    rows: &Rows,
    schemas: &'k Schemas,
    only_kind: Option<&Kind>,
    look: &Look,
) -> Result<Gathered<'k>> {
    let in_scope = session
        .index()
        .records()
        .filter(|(_, head)| only_kind.is_none_or(|k| k.name == head.kind))
        .filter(|(_, head)| session.reaches(head.department.as_deref()))
        .filter_map(|(id, head)| {
            let kind = schemas.kind(&head.kind).ok()?;
            Some((id, head.clone(), (head, kind)))
        });
    // A batch at a time, each checked on both cores with an expression engine of its own.
    let mut matched = gathered(session);
    rows.in_batches(in_scope, |batch| {
        let candidates: Vec<(&String, &RecordHead, &Kind, &Row)> = batch
            .iter()
            .map(|(id, (head, kind), row)| (id, head, *kind, row))
            .collect();
        let found = on_both_cores(&candidates, |chunk| {
            matching_rows(schemas, rows, chunk, look)
        })?;
        gather(&mut matched, found, look)
    })?;
    Ok(matched)
}

/// Which of `chunk` match `filter` and `status`, with their sort keys.
fn matching_rows<'k>(
    schemas: &'k Schemas,
    rows: &Rows,
    chunk: &[(&String, &RecordHead, &'k Kind, &Row)],
    look: &Look,
) -> Result<Matches<'k>> {
    let (filter, status, sort_key) = (look.filter, look.status, look.sort_key);
    let engine = crate::schema::expr::Engine::default();
    let mut out = Vec::new();
    for (id, head, kind, row) in chunk {
        if status.is_some_and(|s| s != row.status) {
            continue;
        }
        let reference = |n: &str| {
            look.refers_to
                .is_some_and(|(_, t)| is_reference_to(kind, n, t))
        };
        let wanted =
            |n: &str| filter.is_some_and(|e| e.uses(n)) || sort_key == Some(n) || reference(n);
        let fields = if filter.is_some() || sort_key.is_some() || look.refers_to.is_some() {
            row.fields(kind, &wanted)
        } else {
            BTreeMap::new()
        };
        if look.refers_to.is_some_and(|r| !refers(kind, &fields, r)) {
            continue;
        }
        if let Some(e) = filter {
            let mut resolve = |field: &str, rid: &str| {
                let target = kind.field(field).and_then(|f| match &f.ty {
                    FieldType::Ref(t) => schemas.kinds.get(t),
                    _ => None,
                });
                Ok(rows
                    .row(rid)
                    .zip(target)
                    .map(|(r, t)| (r.fields(t, &|_| true), r.status.to_string())))
            };
            // The rows hold personal values masked already.
            let binding = Binding {
                wanted: &|n| e.uses(n),
                shown: &|_| true,
            };
            let scope = crate::session::bind(
                &engine,
                schemas,
                kind,
                &fields,
                (id, &row.status, row.version),
                &binding,
                &mut resolve,
            )?;
            // A record the expression cannot be evaluated on (a field it lacks) does not match.
            if !e.eval_bool(&scope).unwrap_or(false) {
                continue;
            }
        }
        let key = sort_key.and_then(|k| fields.get(k).cloned());
        out.push(Match {
            kept: None,
            id: (*id).clone(),
            head: (*head).clone(),
            kind,
            status: row.status.to_string(),
            key,
        });
    }
    Ok(out)
}

/// The records that match, reading every version file (the filter or sort reads
/// personal data, which the rows cache holds only masked).
fn matching_from_files<'k>(
    session: &Session,
    schemas: &'k Schemas,
    only_kind: Option<&Kind>,
    look: &Look,
) -> Result<Gathered<'k>> {
    let (filter, status, sort_key) = (look.filter, look.status, look.sort_key);
    let mut found = gathered(session);
    for (id, head) in session.index().records() {
        if only_kind.is_some_and(|k| k.name != head.kind)
            || !session.reaches(head.department.as_deref())
        {
            continue;
        }
        let Ok(kind) = schemas.kind(&head.kind) else {
            continue;
        };
        let v = session.load_version(&id, head.version)?;
        if status.is_some_and(|s| s != v.status)
            || look.refers_to.is_some_and(|r| !refers(kind, &v.fields, r))
        {
            continue;
        }
        if let Some(e) = filter {
            let meta = (v.id.as_str(), v.status.as_str(), v.version);
            let scope =
                session.scope_shown(kind, &v.fields, meta, &|name| e.uses(name), look.shown)?;
            if !e.eval_bool(&scope).unwrap_or(false) {
                continue;
            }
        }
        let key = sort_key.and_then(|k| v.fields.get(k).cloned());
        let m = Match {
            kept: None,
            id: v.id,
            head,
            kind,
            status: v.status,
            key,
        };
        gather(&mut found, vec![m], look)?;
    }
    Ok(found)
}

/// One line of `history`.
pub struct HistoryLine {
    pub version: u32,
    pub action: String,
    pub status: String,
    pub at: String,
    pub by: String,
    pub note: Option<String>,
    /// The site of a version set aside by a conflict between sites (`audit::conflict`).
    pub set_aside: Option<String>,
}

/// Every version of a record, with those set aside by a conflict between sites after the
/// version of the same number that stood.
pub fn history(session: &Session, id: &str) -> Result<Vec<HistoryLine>> {
    let head = session
        .index()
        .record(id)
        .ok_or_else(|| session.unknown_id(id))?;
    let mut out = Vec::new();
    for n in 1..=head.version {
        let v = session.load_version(id, n)?;
        out.push(history_line(v, None));
    }
    let first = &session.store().config.store.site_code;
    for a in session.index().conflicts.get(id).into_iter().flatten() {
        let mut v = session.reader().version_at(&a.path, &head.kind)?;
        // Who and when as the signed entry says: nothing replayed the file set aside.
        (v.written_by, v.written_at) = (a.actor.clone(), a.time.clone());
        let site = crate::audit::conflict::site_of(a.site.as_deref(), first);
        let at = out
            .iter()
            .rposition(|l| l.version <= a.version)
            .map_or(out.len(), |i| i + 1);
        out.insert(at, history_line(v, Some(site.to_string())));
    }
    Ok(out)
}

fn history_line(v: Version, set_aside: Option<String>) -> HistoryLine {
    let note = match v.action.as_str() {
        "approve" | "reject" => v.approvals.last().map(|a| {
            let c = a
                .comment
                .as_deref()
                .map(|c| format!(": {c}"))
                .unwrap_or_default();
            t!(
                "read-decision-at-step",
                decision = crate::text::decision(&a.decision),
                step = a.step,
                rule = a.rule,
                comment = c
            )
        }),
        "archive" => v.archive.as_ref().map(|a| {
            t!(
                "read-archive-number-attachment-s",
                number = a.number,
                len = a.attachments.len()
            )
        }),
        _ => v.reason.clone(),
    };
    HistoryLine {
        version: v.version,
        action: v.action,
        status: v.status,
        at: v.written_at,
        by: v.written_by,
        note,
        set_aside,
    }
}

/// One changed field between two versions.
pub struct Change {
    pub field: String,
    pub from: Option<Value>,
    pub to: Option<Value>,
}

pub struct Diff {
    pub from: u32,
    pub to: u32,
    pub changes: Vec<Change>,
}

pub fn diff(
    session: &Session,
    id: &str,
    from: Option<u32>,
    to: Option<u32>,
    reveal: Option<&Reveal>,
) -> Result<(Diff, Option<Revealed>)> {
    let head = session
        .index()
        .record(id)
        .ok_or_else(|| session.unknown_id(id))?
        .version;
    let to = to.unwrap_or(head);
    let from = from.unwrap_or(to.saturating_sub(1).max(1));
    let a = session.load_version(id, from)?;
    let b = session.load_version(id, to)?;
    let schemas = session.schemas_at(b.policy)?;
    let kind = schemas.kind(&b.kind)?;
    let mut classes = BTreeSet::new();
    let va = view(kind, &a, reveal, &mut classes);
    let vb = view(kind, &b, reveal, &mut classes);
    let mut changes = Vec::new();
    let status = |v: &Version| Some(Value::Str(v.status.clone()));
    if a.status != b.status {
        changes.push(Change {
            field: "status".into(),
            from: status(&a),
            to: status(&b),
        });
    }
    for f in &kind.fields {
        // Compare real values, show the (possibly masked) ones.
        if a.fields.get(&f.name) != b.fields.get(&f.name) {
            changes.push(Change {
                field: f.name.clone(),
                from: va.fields.get(&f.name).cloned(),
                to: vb.fields.get(&f.name).cloned(),
            });
        }
    }
    if a.approvals != b.approvals {
        let count = |v: &Version| {
            Some(Value::Int(
                v.approvals
                    .iter()
                    .filter(|x| x.decision == "approved")
                    .count() as i64,
            ))
        };
        changes.push(Change {
            field: "approvals".into(),
            from: count(&a),
            to: count(&b),
        });
    }
    let note = revealed("diff", vec![id.to_string()], classes, reveal);
    Ok((Diff { from, to, changes }, note))
}
