//! A record a query matched, the order matches print in, and a match as one line of a
//! sorted run on disk (`ops::runs`), so a query sorting a million matches holds a run's
//! worth of them.

use crate::audit::RecordHead;
use crate::cache::rows::Kept;
use crate::layout::Layout;
use crate::schema::Schemas;
use crate::schema::kind::Kind;
use crate::schema::value::Value;
use serde_json::{Value as Json, json};
use std::cmp::Ordering;

/// A record that matched, with what it is sorted by.
pub struct Match<'k> {
    /// Its row, when kept while matching to show it.
    pub kept: Option<Box<Kept>>,
    pub id: String,
    /// Its current version, as the index gives it.
    pub head: RecordHead,
    pub kind: &'k Kind,
    pub status: String,
    /// The value of the sort field, when sorting by a field.
    pub key: Option<Value>,
}

pub type Matches<'k> = Vec<Match<'k>>;

fn directed(ord: Ordering, descending: bool) -> Ordering {
    if descending { ord.reverse() } else { ord }
}

/// The order a query prints its matches in: by the sort key (`-` before it: descending),
/// equal keys by id.
pub fn in_order(sort: Option<(&str, bool)>, a: &Match, b: &Match) -> Ordering {
    let by_key = match sort {
        None | Some(("id", _)) => Ordering::Equal,
        Some(("status", descending)) => directed(a.status.cmp(&b.status), descending),
        Some((_, descending)) => compare(a.key.as_ref(), b.key.as_ref(), descending),
    };
    let by_id = match sort {
        Some(("id", true)) => b.id.cmp(&a.id),
        _ => a.id.cmp(&b.id),
    };
    by_key.then(by_id)
}

/// Missing values sort last whichever the direction.
fn compare(a: Option<&Value>, b: Option<&Value>, descending: bool) -> Ordering {
    let ord = match (a, b) {
        (None, None) => return Ordering::Equal,
        (None, _) => return Ordering::Greater,
        (_, None) => return Ordering::Less,
        (Some(Value::Int(x)), Some(Value::Int(y))) => x.cmp(y),
        (Some(Value::Money(x)), Some(Value::Money(y))) => x.cmp(y),
        (Some(Value::Date(x)), Some(Value::Date(y))) => x.cmp(y),
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    };
    directed(ord, descending)
}

/// A match as a line of a sorted run: all but its kept row, which is read again to show
/// it. The key keeps what `compare` compares: numbers, amounts and dates as themselves,
/// anything else as its text.
pub fn encode(m: &Match) -> String {
    let key = match &m.key {
        None => Json::Null,
        Some(Value::Int(i)) => json!(["i", i]),
        Some(Value::Money(d)) => json!(["m", d.to_string()]),
        Some(Value::Date(d)) => json!(["d", d.format("%Y-%m-%d").to_string()]),
        Some(other) => json!(["s", other.to_string()]),
    };
    let h = &m.head;
    json!([
        m.id,
        m.kind.name,
        m.status,
        key,
        h.kind,
        h.version,
        h.sha256,
        h.department.as_deref(),
        h.layout.code(),
        h.changed,
        h.site.as_deref(),
        h.line
    ])
    .to_string()
}

/// A match read back from its line, its kind found in `schemas`.
pub fn decode<'k>(line: &str, schemas: &'k Schemas) -> Option<Match<'k>> {
    let v: Vec<Json> = serde_json::from_str(line).ok()?;
    let [
        id,
        kind,
        status,
        key,
        h_kind,
        version,
        sha,
        department,
        layout,
        changed,
        site,
        line,
    ] = <[Json; 12]>::try_from(v).ok()?;
    let text = |j: &Json| j.as_str().map(str::to_string);
    let key = match key.as_array().map(Vec::as_slice) {
        None => None,
        Some([tag, value]) => Some(match tag.as_str()? {
            "i" => Value::Int(value.as_i64()?),
            "m" => Value::Money(value.as_str()?.parse().ok()?),
            "d" => Value::Date(value.as_str()?.parse().ok()?),
            _ => Value::Str(text(value)?),
        }),
        Some(_) => return None,
    };
    Some(Match {
        kept: None,
        id: text(&id)?,
        kind: schemas.kind(kind.as_str()?).ok()?,
        status: text(&status)?,
        key,
        head: RecordHead {
            kind: text(&h_kind)?,
            version: u32::try_from(version.as_u64()?).ok()?,
            sha256: text(&sha)?,
            department: department.as_str().map(std::sync::Arc::from),
            layout: Layout::from_code(u8::try_from(layout.as_u64()?).ok()?)?,
            changed: changed.as_u64()?,
            site: site.as_str().map(std::sync::Arc::from),
            line: line.as_u64()?,
        },
    })
}
