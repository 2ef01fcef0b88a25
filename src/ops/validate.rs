//! Checking a record's fields against its kind: types were checked when parsed; here come
//! references, required and conditionally required fields (a value that says nothing —
//! blanks, punctuation, an empty list, a placeholder such as 无 or N/A — does not satisfy a
//! requirement), ranges, sizes, formats, the kind's rules and its exact fee checks
//! (R-C11). Every problem is collected, not just the first.

use super::input::Origin;
use crate::error::{InputError, Result};
use crate::judge::Context;
use crate::policy::approval::{due, required_steps};
use crate::schema::expr::Scope;
use crate::schema::formats::Format;
use crate::schema::kind::{Bound, FeeCheck, Field, Kind, Lifecycle, Window};
use crate::schema::value::{FieldType, Value};
use crate::store::version::DueStep;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Problems (errors) and warnings for one record.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<InputError>,
    pub warnings: Vec<String>,
    /// The status a valid record starts in: `pending` when an approval step applies to it
    /// (contracts), else `active`.
    pub status: String,
    /// The approval steps its terms need, decided now and kept with them (contracts).
    pub steps: Vec<DueStep>,
}

/// The earliest date docket accepts anywhere.
pub fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date")
}

/// `before` holds the values the record had (an amendment), or the row's own values when an
/// import finds it already in the store: a date is held to its entry window
/// (`within = "signed_within_days"`) only when it is entered or changed now.
/// How many characters a value holds, a list's items together.
fn text_length(value: &Value) -> usize {
    match value {
        Value::Str(s) => s.chars().count(),
        Value::List(items) => items.iter().map(text_length).sum(),
        _ => 0,
    }
}

pub fn validate(
    ctx: &Context,
    kind: &Kind,
    fields: &BTreeMap<String, Value>,
    id: &str,
    origin: &Origin,
    before: Option<&BTreeMap<String, Value>>,
) -> Result<Findings> {
    let mut out = Findings::default();
    check_references(ctx, kind, fields, origin, &mut out);
    if !out.errors.is_empty() {
        return Ok(out);
    }
    let scope = ctx.scope(kind, fields, (id, "", 0), &|f| kind.expressions_read(f))?;
    let today = ctx.today;
    let placeholders = &ctx.settings.placeholders;
    for f in &kind.fields {
        let at = |m: String| InputError::new(origin.locate(&f.name), m);
        let value = fields.get(&f.name);
        if let Some(len) = value
            .map(text_length)
            .filter(|n| *n > ctx.settings.max_value_chars)
        {
            let max = ctx.settings.max_value_chars;
            out.errors
                .push(at(t!("validate-value-too-long", len = len, max = max)));
            continue;
        }
        let mut problems = check_field(f, value, &scope, today, placeholders);
        let entered = before.is_none_or(|b| b.get(&f.name) != value);
        if let (Some(window), Some(Value::Date(d)), true, true) =
            (f.within, value, entered, problems.is_empty())
        {
            problems.extend(check_window(f, window, *d, ctx));
        }
        out.errors.extend(problems.into_iter().map(|(m, hint)| {
            let e = at(m);
            match hint {
                Some(h) => e.hint(h),
                None => e,
            }
        }));
    }
    if !out.errors.is_empty() {
        return Ok(out);
    }
    check_rules(kind, &scope, origin, &mut out);
    for fee in &kind.fees {
        if let Some(e) = check_fee(ctx, kind, fee, fields, &scope, origin) {
            out.errors.push(e);
        }
    }
    if out.errors.is_empty() {
        if kind.lifecycle == Lifecycle::Contract {
            let steps = required_steps(kind, &scope).map_err(crate::error::Error::Internal)?;
            out.steps = due(&steps);
        }
        out.status = if out.steps.is_empty() {
            "active"
        } else {
            "pending"
        }
        .to_string();
    }
    Ok(out)
}

/// References first: rules read the referenced customer's fields.
fn check_references(
    ctx: &Context,
    kind: &Kind,
    fields: &BTreeMap<String, Value>,
    origin: &Origin,
    out: &mut Findings,
) {
    for (f, target) in kind.refs() {
        let Some(Value::Str(rid)) = fields.get(&f.name) else {
            continue;
        };
        let at = || InputError::new(origin.locate(&f.name), String::new());
        match ctx.reader.index.record(rid) {
            Some(h) if h.kind == target && !ctx.reach(h.department.as_deref()) => {
                let department = crate::text::department_name(h.department.as_deref());
                out.errors.push(
                    InputError {
                        message: t!(
                            "validate-filed-under-whose-records",
                            target = target,
                            rid = rid,
                            department = department
                        ),
                        ..at()
                    }
                    .hint(t!(
                        "validate-contract-drafted-department-belongs",
                        target = target
                    )),
                )
            }
            Some(h) if h.kind == target => {}
            Some(h) => out.errors.push(InputError {
                message: t!(
                    "validate-record-not",
                    rid = rid,
                    kind = h.kind,
                    target = target
                ),
                ..at()
            }),
            None => out.errors.push(
                InputError {
                    message: t!("validate-no-record-store", target = target, rid = rid),
                    ..at()
                }
                .hint(t!("validate-find-docket-query", target = target)),
            ),
        }
    }
}

/// Whether a value says something: text holding a letter or digit, a list with such an
/// item. `-`, blanks and `[]` do not.
pub fn meaningful(v: &Value) -> bool {
    match v {
        Value::Str(s) => s.chars().any(char::is_alphanumeric),
        Value::List(items) => items.iter().any(meaningful),
        _ => true,
    }
}

/// Whether a meaningful value of a text field is only a placeholder (`policy.placeholders`):
/// 无, 待定, N/A, or a list of nothing else. Enum values, references, numbers and dates are
/// never placeholders.
fn placeholder(f: &Field, v: &Value, placeholders: &[String]) -> bool {
    let text = match &f.ty {
        FieldType::String => true,
        FieldType::List(item) => **item == FieldType::String,
        _ => false,
    };
    let says = |v: &Value| match v {
        Value::Str(s) => meaningful(v) && !crate::text::is_placeholder(s, placeholders),
        _ => true,
    };
    text && match v {
        Value::List(items) => !items.iter().any(says),
        other => !says(other),
    }
}

type Problem = (String, Option<String>);

/// One field's problems: a requirement unmet, a value out of range or too long, a format.
fn check_field(
    f: &Field,
    value: Option<&Value>,
    scope: &Scope,
    today: NaiveDate,
    placeholders: &[String],
) -> Vec<Problem> {
    // The words are made only for a problem: every record's every field passes here.
    let rule = || {
        f.rule
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default()
    };
    let add = || Some(t!("validate-add-set", name = f.name));
    // Required: `Some(None)` always, `Some(Some(source))` by a condition that holds.
    let required = if f.required {
        Ok(Some(None))
    } else {
        match &f.required_when {
            Some(cond) => cond
                .holds(scope)
                .map(|holds| (holds == Some(true)).then_some(Some(cond.source.as_str()))),
            None => Ok(None),
        }
    };
    let required = match required {
        Ok(r) => r,
        Err(m) => return vec![(m, None)],
    };
    let why = |when: Option<&str>| match when {
        None => t!("validate-required-field").to_string(),
        Some(source) => t!("admin-required-when", source = source),
    };
    match (value, required) {
        (None, Some(when)) if f.required => {
            vec![(
                t!("validate-missing", why = why(when), rule = rule()),
                add(),
            )]
        }
        (None, Some(when)) => vec![(format!("{}{}", why(when), rule()), add())],
        (None, None) => Vec::new(),
        (Some(v), Some(when)) if !meaningful(v) => vec![(
            t!(
                "validate-says-nothing-blanks-punctuation",
                why = why(when),
                rule = rule(),
                escape = crate::text::escape(&v.to_string())
            ),
            Some(t!("validate-give-real", name = f.name)),
        )],
        (Some(v), Some(when)) if placeholder(f, v, placeholders) => vec![(
            t!(
                "validate-placeholder",
                why = why(when),
                rule = rule(),
                escape = crate::text::escape(&v.to_string())
            ),
            Some(t!("validate-give-real-not-placeholder", name = f.name)),
        )],
        (Some(v), _) => {
            let mut problems = check_bounds(f, v, today);
            problems.extend(check_size(f, v));
            problems.extend(check_formats(f, v, scope, today));
            problems
        }
    }
}

/// `min`, `max` and the earliest date.
fn check_bounds(f: &Field, v: &Value, today: NaiveDate) -> Vec<Problem> {
    let mut out = Vec::new();
    let dates: Vec<NaiveDate> = match v {
        Value::Date(d) => vec![*d],
        Value::List(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::Date(d) => Some(*d),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    for d in &dates {
        if *d < earliest_date() {
            out.push((t!("actors-before-check-year", d = d), None));
        }
    }
    let number = match v {
        Value::Int(i) => Some(Decimal::from(*i)),
        Value::Money(m) => Some(*m),
        _ => None,
    };
    let below = |b: &Bound| match (b, number, dates.first()) {
        (Bound::Number(n), Some(x), _) => x < *n,
        (Bound::Date(bd), _, Some(d)) => d < bd,
        (Bound::Today, _, Some(d)) => *d < today,
        _ => false,
    };
    let above = |b: &Bound| match (b, number, dates.first()) {
        (Bound::Number(n), Some(x), _) => x > *n,
        (Bound::Date(bd), _, Some(d)) => d > bd,
        (Bound::Today, _, Some(d)) => *d > today,
        _ => false,
    };
    if let Some(min) = &f.min
        && below(min)
    {
        out.push(match min {
            Bound::Date(earliest) => (
                t!(
                    "validate-before-earliest",
                    v = v,
                    earliest = earliest,
                    name = f.name
                ),
                Some(t!("validate-before-earliest-hint", name = f.name)),
            ),
            _ => (
                t!(
                    "validate-below-minimum",
                    v = v,
                    shown_bound = shown_bound(min, today)
                ),
                None,
            ),
        });
    }
    if let Some(max) = &f.max
        && above(max)
    {
        let m = match max {
            Bound::Today => t!(
                "validate-after-today-cannot-future",
                v = v,
                today = today,
                name = f.name
            ),
            other => t!("validate-above-maximum", v = v, other = other),
        };
        out.push((m, None));
    }
    out
}

/// A date entered longer after it than the policy allows (`within`): a contract dated
/// months before anyone enters it is a contract backdated, to an older tariff say.
fn check_window(f: &Field, window: Window, d: NaiveDate, ctx: &Context) -> Option<Problem> {
    let today = ctx.today;
    let days = window.days(ctx.settings);
    // A window reaching back before any date there is holds nothing back.
    let earliest = today.checked_sub_days(chrono::Days::new(days.max(0) as u64))?;
    (d < earliest).then(|| {
        (
            t!(
                "validate-entered-too-late",
                v = d,
                days = days,
                today = today,
                setting = window.setting()
            ),
            Some(t!(
                "validate-entered-too-late-hint",
                name = f.name,
                setting = window.setting()
            )),
        )
    })
}

fn shown_bound(b: &Bound, today: NaiveDate) -> String {
    match b {
        Bound::Today => format!("today ({today})"),
        other => other.to_string(),
    }
}

/// Strings hold at most `max_length` characters, lists that many items.
fn check_size(f: &Field, v: &Value) -> Vec<Problem> {
    let too_long = |s: &str| s.chars().count() > f.max_length;
    match v {
        Value::Str(s) if too_long(s) => vec![(
            t!(
                "validate-value-characters-long-holds",
                chars = s.chars().count(),
                name = f.name,
                max_length = f.max_length
            ),
            None,
        )],
        Value::List(items) if items.len() > f.max_length => vec![(
            t!(
                "validate-items-holds-at-most",
                len = items.len(),
                name = f.name,
                max_length = f.max_length
            ),
            None,
        )],
        Value::List(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::Str(s) if s.chars().count() > crate::schema::kind::DEFAULT_MAX_CHARS => {
                    Some((
                        t!(
                            "validate-item-characters-long-items",
                            chars = s.chars().count(),
                            default_max_chars = crate::schema::kind::DEFAULT_MAX_CHARS
                        ),
                        None,
                    ))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The field's format, and the formats its conditions call for.
fn check_formats(f: &Field, v: &Value, scope: &Scope, today: NaiveDate) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut formats: Vec<(Format, Option<String>)> =
        f.format.into_iter().map(|fmt| (fmt, None)).collect();
    for c in &f.conditional_formats {
        match c.when.holds(scope) {
            Ok(Some(true)) => formats.push((c.format, c.hint.as_ref().map(|h| h.show("")))),
            Ok(_) => {}
            Err(m) => out.push((m, None)),
        }
    }
    let texts: Vec<String> = match v {
        Value::List(items) => items.iter().map(|i| i.to_string()).collect(),
        other => vec![other.to_string()],
    };
    for (fmt, hint) in formats {
        for t in &texts {
            if let Some(m) = fmt.check(t, today) {
                let hint = hint.clone().or_else(|| {
                    matches!(fmt, Format::NotGb11643 | Format::NotGb32100)
                        .then(|| t!("validate-file-as-what-it-is", name = f.name))
                });
                out.push((m, hint));
            }
        }
    }
    out
}

fn check_rules(kind: &Kind, scope: &Scope, origin: &Origin, out: &mut Findings) {
    for r in &kind.rules {
        // A rule about an empty value is not broken: the value is judged by whether it
        // is required.
        match r.check.holds(scope).map(|h| h.unwrap_or(true)) {
            Ok(true) => {}
            Ok(false) if r.warning => out.warnings.push(t!(
                "validate-rule-broken",
                rule = r.id,
                message = r.message.show("")
            )),
            Ok(false) => out.errors.push(
                InputError::new(
                    origin.locate_record(),
                    t!(
                        "validate-rule-broken",
                        rule = r.id,
                        message = r.message.show("")
                    ),
                )
                .hint(t!("validate-rule", source = r.check.source)),
            ),
            Err(m) => out.errors.push(InputError::new(
                origin.locate_record(),
                format!("{}: {m}", r.id),
            )),
        }
    }
}

/// A fee must equal its tariff in force on the contract's date (times a quantity) or the
/// money field it names, exactly (R-C11).
fn check_fee(
    ctx: &Context,
    kind: &Kind,
    fee: &FeeCheck,
    fields: &BTreeMap<String, Value>,
    scope: &Scope,
    origin: &Origin,
) -> Option<InputError> {
    let err = |m: String| InputError::new(origin.locate(&fee.field), m);
    if let Some(cond) = &fee.when {
        match cond.holds(scope) {
            Ok(Some(true)) => {}
            Ok(_) => return None,
            Err(m) => return Some(err(m)),
        }
    }
    let Some(Value::Money(charged)) = fields.get(&fee.field) else {
        return None;
    };
    let (expected, basis) = match &fee.tariff {
        Some(t) => {
            let on = match fee.on.as_deref().and_then(|d| fields.get(d)) {
                Some(Value::Date(d)) => *d,
                _ => ctx.today,
            };
            let tariff = &ctx.schemas().tariffs.tariffs[t];
            let Some(amount) = tariff.amount_on(on) else {
                return Some(
                    err(t!(
                        "validate-tariff-has-no-amount",
                        rule = fee.rule,
                        t = t,
                        on = on
                    ))
                    .hint(t!("validate-check-date-tariff-s")),
                );
            };
            let qty = match &fee.per {
                Some(p) => match fields.get(p) {
                    Some(Value::Int(q)) => Decimal::from(*q),
                    _ => return None,
                },
                None => Decimal::ONE,
            };
            let basis = match &fee.per {
                Some(p) => t!(
                    "validate-tariff",
                    t = t,
                    on = on,
                    amount = amount,
                    p = p,
                    qty = qty
                ),
                None => t!("validate-tariff-2", t = t, on = on),
            };
            (amount * qty, basis)
        }
        None => {
            let other = fee.equals.as_deref().unwrap_or_default();
            match fields.get(other) {
                Some(Value::Money(m)) => (*m, other.to_string()),
                _ => return None,
            }
        }
    };
    if charged.normalize() == expected.normalize() {
        return None;
    }
    let scale = match kind.field(&fee.field).map(|f| &f.ty) {
        Some(FieldType::Money { scale }) => *scale,
        _ => 2,
    };
    let mut shown = expected;
    shown.rescale(scale);
    Some(
        err(t!(
            "validate-differs-from-fees-charged",
            rule = fee.rule,
            charged = charged,
            basis = basis,
            shown = shown
        ))
        .hint(format!("set {}={shown}", fee.field)),
    )
}

impl Origin {
    /// Where a whole-record rule points: the file or row, without a field.
    pub fn locate_record(&self) -> crate::error::Location {
        match self {
            Origin::Set => crate::error::Location::default(),
            Origin::File { name, .. } => crate::error::Location::file(name.clone()),
            Origin::Row { file, line } => {
                crate::error::Location::file(file.clone()).line(Some(*line))
            }
        }
    }
}
