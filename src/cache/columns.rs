//! A kind's rows as typed columns, one table per kind (`"k:customer"`), made under the
//! policy in force: what lets a query's filter run inside the database as SQL, and a
//! query without a reveal print its records without reading a version file each.
//!
//! The SQL a filter becomes only narrows: it is implied by the filter (`Narrowing`), so
//! every record the filter matches passes it, and the filter itself then judges the few
//! that do. A row whose columns might not say exactly what its record shows is marked
//! (`shown` is empty) and always passes.

use crate::schema::expr::{Literal, Narrowing, Op};
use crate::schema::kind::Kind;
use crate::schema::value::{FieldType, Value};
use crate::store::version::{Approval, ArchiveInfo, DueStep};
use rusqlite::types::{Value as Cell, ValueRef};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What a record shows besides its fields, kept with its columns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Shown {
    pub written_at: String,
    pub written_by: String,
    pub policy: u32,
    pub department: Option<String>,
    pub legacy_no: Option<String>,
    pub steps: Vec<DueStep>,
    pub approvals: Vec<Approval>,
    pub archive: Option<ArchiveInfo>,
    pub still_masked: BTreeSet<String>,
}

/// `"name"`, quoted as SQL quotes an identifier.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The table of kind `kind`'s columns.
pub fn table(kind: &str) -> String {
    quote(&format!("k:{kind}"))
}

/// The column of field `field`.
pub fn column(field: &str) -> String {
    quote(&format!("f:{field}"))
}

/// `, <prefix>"f:a", <prefix>"f:b"…`: the kind's columns in its field order, to follow
/// other columns in a `SELECT`.
pub fn listed(kind: &Kind, prefix: &str) -> String {
    kind.fields
        .iter()
        .map(|f| format!(", {prefix}{}", column(&f.name)))
        .collect()
}

/// The table for `kind` as the policy in force defines it (one column per field).
pub fn create_sql(kind: &str, fields: &[String]) -> String {
    let columns: String = fields.iter().map(|f| format!(", {}", column(f))).collect();
    format!(
        "CREATE TABLE IF NOT EXISTS {}(id TEXT PRIMARY KEY, version INTEGER NOT NULL,
         sha TEXT NOT NULL, status TEXT NOT NULL, shown TEXT{columns}) WITHOUT ROWID",
        table(kind)
    )
}

/// The statement that writes one row of `kind`'s table: id, version, sha, status,
/// shown, then `fields`' cells in order.
pub fn insert_sql(kind: &str, fields: &[String]) -> String {
    let names: String = fields.iter().map(|f| format!(", {}", column(f))).collect();
    let marks: String = fields.iter().map(|_| ", ?").collect();
    format!(
        "INSERT OR REPLACE INTO {}(id, version, sha, status, shown{names})
         VALUES (?, ?, ?, ?, ?{marks})",
        table(kind)
    )
}

/// Drop every kind's table (the policy changed: their columns may have).
pub fn drop_all(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'k:%'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for name in names {
        conn.execute_batch(&format!("DROP TABLE {}", quote(&name)))?;
    }
    Ok(())
}

/// A value as its column keeps it: text, integers and booleans as themselves, money as
/// its exact text, a date as `YYYY-MM-DD`, a list as JSON.
pub fn cell(value: &Value) -> Cell {
    match value {
        Value::Str(s) => Cell::Text(s.clone()),
        Value::Int(i) => Cell::Integer(*i),
        Value::Bool(b) => Cell::Integer(*b as i64),
        Value::Money(_) | Value::Date(_) => Cell::Text(value.to_string()),
        Value::List(_) => Cell::Text(value.to_json().to_string()),
    }
}

/// A column's value read back as field type `ty` says (personal fields: masked text).
pub fn decode(ty: &FieldType, personal: bool, cell: ValueRef) -> Option<Value> {
    use crate::schema::value::{parse_date, parse_money};
    let json = match cell {
        ValueRef::Null => return None,
        ValueRef::Text(t) => {
            let text = std::str::from_utf8(t).ok()?;
            // As `FieldType::from_json` reads a string, without building one first.
            return match ty {
                _ if personal => Some(Value::Str(text.to_string())),
                FieldType::List(_) => ty.from_json(&serde_json::from_str(text).ok()?),
                FieldType::Money { scale } => parse_money(text, *scale).ok().map(Value::Money),
                FieldType::Date => parse_date(text).ok().map(Value::Date),
                _ => Some(Value::Str(text.to_string())),
            };
        }
        ValueRef::Integer(i) => match ty {
            FieldType::Bool => serde_json::Value::Bool(i != 0),
            _ => serde_json::Value::from(i),
        },
        ValueRef::Real(_) | ValueRef::Blob(_) => return None,
    };
    ty.from_json(&json)
}

/// How a column compares, when a filter's comparison can be put to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Integer,
    Money,
    Text,
    Bool,
}

/// The column a filter's name reads and how it compares: the record's id, status and
/// version, and its non-personal fields of one value (a reference reads as a record,
/// a personal field as masked text: neither is narrowed).
pub fn comparable(kind: &Kind, name: &str) -> Option<(String, Sort)> {
    match name {
        "id" | "status" => return Some((format!("k.{name}"), Sort::Text)),
        "version" => return Some(("k.version".into(), Sort::Integer)),
        _ => {}
    }
    let f = kind.field(name).filter(|f| f.pii.is_none())?;
    let sort = match f.ty {
        FieldType::String | FieldType::Enum(_) | FieldType::Date => Sort::Text,
        FieldType::Integer => Sort::Integer,
        FieldType::Money { .. } => Sort::Money,
        FieldType::Bool => Sort::Bool,
        FieldType::List(_) | FieldType::Ref(_) => return None,
    };
    Some((format!("k.{}", column(name)), sort))
}

/// The SQL condition (with its parameters) a narrowing gives on `kind`'s table; `None`
/// when it narrows nothing there. Numbers compared as money or with a fraction get a
/// little room, so rounding in the database never drops a match.
pub fn condition(kind: &Kind, n: &Narrowing) -> Option<(String, Vec<Cell>)> {
    match n {
        Narrowing::All(parts) => {
            let parts: Vec<_> = parts.iter().filter_map(|p| condition(kind, p)).collect();
            (!parts.is_empty()).then(|| joined(parts, " AND "))
        }
        Narrowing::Any(parts) => {
            let parts = parts
                .iter()
                .map(|p| condition(kind, p))
                .collect::<Option<Vec<_>>>()?;
            Some(joined(parts, " OR "))
        }
        Narrowing::Compare { name, op, literal } => {
            let (col, sort) = comparable(kind, name)?;
            compare(&col, sort, *op, literal)
        }
    }
}

fn joined(parts: Vec<(String, Vec<Cell>)>, with: &str) -> (String, Vec<Cell>) {
    let mut args = Vec::new();
    let sql: Vec<String> = parts
        .into_iter()
        .map(|(s, a)| {
            args.extend(a);
            format!("({s})")
        })
        .collect();
    (sql.join(with), args)
}

fn compare(col: &str, sort: Sort, op: Op, literal: &Literal) -> Option<(String, Vec<Cell>)> {
    let exact = match (sort, literal) {
        (Sort::Integer, Literal::Int(i)) => Cell::Integer(*i),
        (Sort::Text, Literal::Text(t)) => Cell::Text(t.clone()),
        (Sort::Bool, Literal::Bool(b)) => Cell::Integer(*b as i64),
        (Sort::Integer | Sort::Money, Literal::Int(_) | Literal::Float(_)) => {
            return roughly(col, sort, op, literal);
        }
        _ => return None,
    };
    let sql = match op {
        // A missing value differs from every literal.
        Op::Ne => format!("NOT ({col} IS NOT NULL AND {col} = ?)"),
        Op::Eq => format!("{col} = ?"),
        Op::Lt => format!("{col} < ?"),
        Op::Le => format!("{col} <= ?"),
        Op::Gt => format!("{col} > ?"),
        Op::Ge => format!("{col} >= ?"),
    };
    Some((sql, vec![exact]))
}

/// A comparison with room for rounding: money is kept as exact text and compared as a
/// floating-point number, as the filter itself compares it.
fn roughly(col: &str, sort: Sort, op: Op, literal: &Literal) -> Option<(String, Vec<Cell>)> {
    let x = match literal {
        Literal::Int(i) => *i as f64,
        Literal::Float(f) if f.is_finite() => *f,
        _ => return None,
    };
    let room = x.abs() * 1e-9 + 1e-9;
    let value = match sort {
        Sort::Money => format!("CAST({col} AS REAL)"),
        _ => col.to_string(),
    };
    let (sql, args) = match op {
        Op::Ne => return None,
        Op::Eq => (format!("{value} BETWEEN ? AND ?"), vec![x - room, x + room]),
        Op::Lt | Op::Le => (format!("{value} <= ?"), vec![x + room]),
        Op::Gt | Op::Ge => (format!("{value} >= ?"), vec![x - room]),
    };
    Some((sql, args.into_iter().map(Cell::Real).collect()))
}

/// The cells of a record's fields as shown without a reveal (in the kind's field
/// order), and whether reading them back gives exactly those fields.
pub fn columns_of(kind: &Kind, fields: &BTreeMap<String, Value>) -> (Vec<Cell>, bool) {
    let mut exact = fields.keys().all(|name| kind.field(name).is_some());
    let cells = kind
        .fields
        .iter()
        .map(|f| match fields.get(&f.name) {
            None => Cell::Null,
            Some(value) => {
                let personal = f.pii.is_some();
                // What a filter reads: the value as the policy in force types it.
                let typed = match personal {
                    true => Some(value.clone()),
                    false => f.ty.from_json(&value.to_json()),
                };
                let Some(typed) = typed else {
                    exact = false;
                    return Cell::Null;
                };
                let c = cell(&typed);
                let back = decode(&f.ty, personal, ValueRef::from(&c));
                exact &= back.as_ref() == Some(&typed) && typed == *value;
                c
            }
        })
        .collect();
    (cells, exact)
}

/// A record's fields read back from its columns (`cells` in the kind's field order).
pub fn fields_of(kind: &Kind, cells: &[ValueRef]) -> BTreeMap<String, Value> {
    kind.fields
        .iter()
        .zip(cells)
        .filter_map(|(f, c)| Some((f.name.clone(), decode(&f.ty, f.pii.is_some(), *c)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_become_sql_with_room_for_rounding() {
        let c = |col, sort, op, lit| compare(col, sort, op, &lit).map(|(s, _)| s);
        assert_eq!(
            c("k.a", Sort::Text, Op::Ne, Literal::Text("x".into())).unwrap(),
            "NOT (k.a IS NOT NULL AND k.a = ?)"
        );
        assert_eq!(
            c("k.m", Sort::Money, Op::Gt, Literal::Int(5)).unwrap(),
            "CAST(k.m AS REAL) >= ?"
        );
        assert_eq!(c("k.m", Sort::Money, Op::Ne, Literal::Int(5)), None);
        assert_eq!(c("k.a", Sort::Text, Op::Eq, Literal::Int(5)), None);
        assert_eq!(
            c("k.b", Sort::Bool, Op::Eq, Literal::Text("x".into())),
            None
        );
        let (_, args) = compare("k.n", Sort::Integer, Op::Lt, &Literal::Float(2.5)).unwrap();
        assert!(matches!(args[0], Cell::Real(x) if x > 2.5 && x < 2.5001));
    }

    #[test]
    fn a_narrowing_becomes_sql_only_where_it_can() {
        let schemas = crate::schema::Schemas::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas"),
            "schemas",
        )
        .unwrap();
        let kind = schemas.kind("customer").unwrap();
        let n = |src: &str| {
            let e = crate::schema::expr::Expr::compile(src).unwrap();
            condition(kind, &e.narrowing()?)
        };
        let (sql, args) = n("category == 'commercial' && meter_reading_m3 > 50000").unwrap();
        assert_eq!(
            sql,
            r#"(k."f:category" = ?) AND (k."f:meter_reading_m3" > ?)"#
        );
        assert_eq!(
            args,
            [Cell::Text("commercial".into()), Cell::Integer(50000)]
        );
        // A personal field is never narrowed (its column holds masked text), nor is a
        // list; in a conjunction the rest still narrows, in a disjunction nothing does.
        let (sql, _) = n("phone == '13800000000' && status == 'active'").unwrap();
        assert_eq!(sql, "(k.status = ?)");
        assert_eq!(n("phone == '13800000000' || status == 'active'"), None);
        assert_eq!(n("appliances == 'x'"), None);
        assert_eq!(n("name == '王芳'"), None);
    }

    #[test]
    fn cells_read_back_as_their_values() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        for (ty, v) in [
            (FieldType::Integer, Value::Int(-7)),
            (FieldType::Bool, Value::Bool(true)),
            (
                FieldType::Money { scale: 2 },
                Value::Money(crate::schema::value::parse_money("12.50", 2).unwrap()),
            ),
            (FieldType::Date, Value::Date(date)),
            (
                FieldType::List(Box::new(FieldType::String)),
                Value::List(vec![Value::Str("燃气灶".into())]),
            ),
        ] {
            let c = cell(&v);
            assert_eq!(decode(&ty, false, ValueRef::from(&c)), Some(v.clone()));
            // Read back as a cache's JSON is.
            assert_eq!(ty.from_json(&v.to_json()), Some(v));
        }
        // Text under a number or a truth value reads as text, as from JSON.
        for ty in [FieldType::Integer, FieldType::Bool] {
            let text = ValueRef::Text(b"12");
            assert_eq!(decode(&ty, false, text), Some(Value::Str("12".into())));
            assert_eq!(
                ty.from_json(&serde_json::json!("12")),
                Some(Value::Str("12".into()))
            );
        }
    }
}
