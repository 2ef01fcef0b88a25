//! Checking a record's fields against its kind: types were checked when parsed; here come
//! ranges, formats, references, required and conditionally required fields, the kind's
//! rules and its exact fee checks (R-C11). Every problem is collected, not just the first.

use super::input::Origin;
use crate::error::InputError;
use crate::policy::approval::required_steps;
use crate::schema::expr::Scope;
use crate::schema::formats::Format;
use crate::schema::kind::{Kind, Lifecycle};
use crate::schema::value::{FieldType, Value};
use crate::session::Session;
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
}

pub fn validate(
    session: &Session,
    kind: &Kind,
    fields: &BTreeMap<String, Value>,
    id: &str,
    origin: &Origin,
) -> crate::error::Result<Findings> {
    let mut out = Findings::default();
    let err = |field: &str, msg: String| InputError::new(origin.locate(field), msg);

    // References first: rules read the referenced customer's fields.
    for (f, target) in kind.refs() {
        if let Some(Value::Str(rid)) = fields.get(&f.name) {
            match session.index.records.get(rid) {
                Some(h) if h.kind == target => {}
                Some(h) => out.errors.push(err(
                    &f.name,
                    format!("`{rid}` is a {} record, not a {target}", h.kind),
                )),
                None => out.errors.push(
                    err(&f.name, format!("no {target} record `{rid}` in this store"))
                        .hint(format!("find it with `docket query {target}`")),
                ),
            }
        }
    }
    if !out.errors.is_empty() {
        return Ok(out);
    }
    let scope = session.scope(kind, fields, (id, "", 0), &|f| kind.expressions_read(f))?;
    let holds = |e: &crate::schema::expr::Expr, scope: &Scope| e.eval_bool(scope);

    for f in &kind.fields {
        let value = fields.get(&f.name);
        let rule = f
            .rule
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        match value {
            None => {
                if f.required {
                    out.errors.push(
                        err(&f.name, format!("required field is missing{rule}"))
                            .hint(format!("add --set {}=…", f.name)),
                    );
                } else if let Some(cond) = &f.required_when {
                    match holds(cond, &scope) {
                        Ok(true) => out.errors.push(
                            err(&f.name, format!("required when {}{rule}", cond.source))
                                .hint(format!("add --set {}=…", f.name)),
                        ),
                        Ok(false) => {}
                        Err(m) => out.errors.push(err(&f.name, m)),
                    }
                }
            }
            Some(v) => {
                if let Value::Int(i) = v {
                    if let Some(min) = f.min
                        && *i < min
                    {
                        out.errors
                            .push(err(&f.name, format!("{i} is below the minimum {min}")));
                    }
                    if let Some(max) = f.max
                        && *i > max
                    {
                        out.errors
                            .push(err(&f.name, format!("{i} is above the maximum {max}")));
                    }
                }
                let mut formats: Vec<Format> = f.format.into_iter().collect();
                for (cond, fmt) in &f.conditional_formats {
                    match holds(cond, &scope) {
                        Ok(true) => formats.push(*fmt),
                        Ok(false) => {}
                        Err(m) => out.errors.push(err(&f.name, m)),
                    }
                }
                for fmt in formats {
                    let texts: Vec<String> = match v {
                        Value::List(items) => items.iter().map(|i| i.to_string()).collect(),
                        other => vec![other.to_string()],
                    };
                    for t in texts {
                        if let Some(m) = fmt.check(&t) {
                            out.errors.push(err(&f.name, m));
                        }
                    }
                }
            }
        }
    }
    if !out.errors.is_empty() {
        return Ok(out);
    }
    for r in &kind.rules {
        match holds(&r.check, &scope) {
            Ok(true) => {}
            Ok(false) if r.warning => out.warnings.push(format!("{}: {}", r.id, r.message)),
            Ok(false) => out.errors.push(
                InputError::new(origin.locate_record(), format!("{}: {}", r.id, r.message))
                    .hint(format!("the rule is `{}`", r.check.source)),
            ),
            Err(m) => out.errors.push(InputError::new(
                origin.locate_record(),
                format!("{}: {m}", r.id),
            )),
        }
    }
    for fee in &kind.fees {
        if let Some(cond) = &fee.when {
            match holds(cond, &scope) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(m) => {
                    out.errors.push(err(&fee.field, m));
                    continue;
                }
            }
        }
        let Some(Value::Money(charged)) = fields.get(&fee.field) else {
            continue;
        };
        let (expected, basis) = if let Some(t) = &fee.tariff {
            let tariff = &session.schemas.tariffs.tariffs[t];
            let qty = match &fee.per {
                Some(p) => match fields.get(p) {
                    Some(Value::Int(q)) => Decimal::from(*q),
                    _ => continue,
                },
                None => Decimal::ONE,
            };
            let basis = match &fee.per {
                Some(p) => format!("tariff {t} {} × {p} {qty}", tariff.amount),
                None => format!("tariff {t}"),
            };
            (tariff.amount * qty, basis)
        } else {
            let other = fee.equals.as_deref().unwrap_or_default();
            match fields.get(other) {
                Some(Value::Money(m)) => (*m, other.to_string()),
                _ => continue,
            }
        };
        if charged.normalize() != expected.normalize() {
            let scale = match kind.field(&fee.field).map(|f| &f.ty) {
                Some(FieldType::Money { scale }) => *scale,
                _ => 2,
            };
            let mut shown = expected;
            shown.rescale(scale);
            out.errors.push(
                err(&fee.field, format!("{}: {charged} differs from {basis} = {shown}; fees are charged exactly as set, never more or less", fee.rule))
                    .hint(format!("set {}={shown}", fee.field)),
            );
        }
    }
    if out.errors.is_empty() {
        let waits = kind.lifecycle == Lifecycle::Contract
            && !required_steps(kind, &scope)
                .map_err(crate::error::Error::Internal)?
                .is_empty();
        out.status = if waits { "pending" } else { "active" }.to_string();
    }
    Ok(out)
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
