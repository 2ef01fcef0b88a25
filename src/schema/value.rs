//! Typed field values: parsing from the command line, TOML and CSV, and the one canonical
//! form each type is stored, shown and compared in.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

/// The declared type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    /// Exact decimal with at most `scale` fraction digits, stored at exactly that scale.
    Money {
        scale: u32,
    },
    Date,
    Bool,
    Enum(Vec<String>),
    List(Box<FieldType>),
    /// The id of a record of another kind.
    Ref(String),
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldType::String => write!(f, "string"),
            FieldType::Integer => write!(f, "integer"),
            FieldType::Money { scale } => write!(f, "money({scale})"),
            FieldType::Date => write!(f, "date"),
            FieldType::Bool => write!(f, "bool"),
            FieldType::Enum(values) => write!(f, "enum({})", values.join("|")),
            FieldType::List(item) => write!(f, "list<{item}>"),
            FieldType::Ref(kind) => write!(f, "ref<{kind}>"),
        }
    }
}

/// A field value in its canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Int(i64),
    Money(Decimal),
    Date(NaiveDate),
    Bool(bool),
    List(Vec<Value>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => write!(f, "{s}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Money(d) => write!(f, "{d}"),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::Bool(b) => write!(f, "{b}"),
            Value::List(items) => {
                let parts: Vec<String> = items.iter().map(|v| v.to_string()).collect();
                write!(f, "{}", parts.join(";"))
            }
        }
    }
}

impl FieldType {
    /// Parse a value typed at the command line or read from a CSV cell.
    /// A list takes a TOML array (`["a","b"]`) or `;`-separated items.
    pub fn parse_text(&self, text: &str) -> Result<Value, String> {
        match self {
            FieldType::String | FieldType::Ref(_) => match crate::text::refuse_unprintable(text) {
                Some(m) => Err(m),
                None => Ok(Value::Str(text.to_string())),
            },
            FieldType::Integer => text
                .trim()
                .parse::<i64>()
                .map(Value::Int)
                .map_err(|_| t!("value-not-whole-number", text = text)),
            FieldType::Money { scale } => parse_money(text.trim(), *scale).map(Value::Money),
            FieldType::Date => parse_date(text.trim()).map(Value::Date),
            // 是 and 否 are how a Chinese form says yes and no.
            FieldType::Bool => match text.trim() {
                "true" | "是" => Ok(Value::Bool(true)),
                "false" | "否" => Ok(Value::Bool(false)),
                other => Err(t!("value-not-boolean-write-true", other = other)),
            },
            FieldType::Enum(values) => {
                let t = text.trim();
                if values.iter().any(|v| v == t) {
                    Ok(Value::Str(t.to_string()))
                } else {
                    Err(t!("value-not-one", t = t, join = values.join(", ")))
                }
            }
            FieldType::List(item) => {
                let t = text.trim();
                if t.starts_with('[') {
                    let doc = format!("v = {t}");
                    let table: toml::Table =
                        toml::from_str(&doc).map_err(|_| t!("value-not-toml-array", t = t))?;
                    self.from_toml(&table["v"])
                } else {
                    // `、` is how Chinese lists things; `；` arrives here as `;`.
                    t.split([';', '、'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| item.parse_text(s))
                        .collect::<Result<Vec<_>, _>>()
                        .map(Value::List)
                }
            }
        }
    }

    /// Read a value from a TOML document (`--file`, version files).
    pub fn from_toml(&self, value: &toml::Value) -> Result<Value, String> {
        match (self, value) {
            (FieldType::String | FieldType::Ref(_), toml::Value::String(s)) => {
                Ok(Value::Str(s.clone()))
            }
            (FieldType::Enum(_), toml::Value::String(s)) => self.parse_text(s),
            (FieldType::Integer, toml::Value::Integer(i)) => Ok(Value::Int(*i)),
            (FieldType::Money { scale }, toml::Value::String(s)) => {
                parse_money(s, *scale).map(Value::Money)
            }
            (FieldType::Money { .. }, toml::Value::Integer(_) | toml::Value::Float(_)) => {
                Err(t!("value-money-written-string-holding", value = value))
            }
            (FieldType::Date, toml::Value::Datetime(dt)) => match (dt.date, dt.time) {
                (Some(d), None) => {
                    NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
                        .map(Value::Date)
                        .ok_or_else(|| t!("value-not-calendar-date", dt = dt))
                }
                _ => Err(t!("value-not-plain-date-yyyy", dt = dt)),
            },
            (FieldType::Date, toml::Value::String(s)) => parse_date(s).map(Value::Date),
            (FieldType::Bool, toml::Value::Boolean(b)) => Ok(Value::Bool(*b)),
            (FieldType::List(item), toml::Value::Array(items)) => items
                .iter()
                .map(|v| item.from_toml(v))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::List),
            (ty, v) => Err(t!(
                "value-expected-found",
                ty = ty,
                toml_type_name = toml_type_name(v),
                v = v
            )),
        }
    }
}

impl FieldType {
    /// Read back a value written by `Value::to_json` (caches).
    pub fn from_json(&self, v: &serde_json::Value) -> Option<Value> {
        Some(match (self, v) {
            (FieldType::Integer, serde_json::Value::Number(n)) => Value::Int(n.as_i64()?),
            (FieldType::Bool, serde_json::Value::Bool(b)) => Value::Bool(*b),
            (FieldType::Money { scale }, serde_json::Value::String(s)) => {
                Value::Money(parse_money(s, *scale).ok()?)
            }
            (FieldType::Date, serde_json::Value::String(s)) => Value::Date(parse_date(s).ok()?),
            (FieldType::List(item), serde_json::Value::Array(items)) => Value::List(
                items
                    .iter()
                    .map(|i| item.from_json(i))
                    .collect::<Option<Vec<_>>>()?,
            ),
            (_, serde_json::Value::String(s)) => Value::Str(s.clone()),
            _ => return None,
        })
    }
}

fn toml_type_name(v: &toml::Value) -> String {
    match v {
        toml::Value::String(_) => t!("value-a-string"),
        toml::Value::Integer(_) => t!("value-integer"),
        toml::Value::Float(_) => t!("value-a-float"),
        toml::Value::Boolean(_) => t!("value-a-boolean"),
        toml::Value::Datetime(_) => t!("value-date-time"),
        toml::Value::Array(_) => t!("value-array"),
        toml::Value::Table(_) => t!("value-a-table"),
    }
}

/// An exact decimal with at most `scale` fraction digits, returned at exactly `scale`.
pub fn parse_money(text: &str, scale: u32) -> Result<Decimal, String> {
    let well_formed = {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let mut parts = digits.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    };
    if !well_formed {
        return Err(t!("value-not-decimal-amount-write", text = text));
    }
    let mut d =
        Decimal::from_str_exact(text).map_err(|_| t!("value-out-range-amount", text = text))?;
    if d.scale() > scale {
        return Err(t!(
            "value-has-more-than-decimal",
            text = text,
            scale = scale,
            unit = if scale == 2 {
                t!("value-the-fen")
            } else {
                t!("value-places", scale = scale)
            }
        ));
    }
    d.rescale(scale);
    Ok(d)
}

/// An ISO 8601 calendar date, strictly `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(t!("value-not-date-write-yyyy", text = text));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| t!("value-not-calendar-date-2", text = text))
}

impl Value {
    pub fn to_toml(&self) -> toml::Value {
        match self {
            Value::Str(s) => toml::Value::String(s.clone()),
            Value::Int(i) => toml::Value::Integer(*i),
            Value::Money(d) => toml::Value::String(d.to_string()),
            Value::Date(d) => {
                let date = toml::value::Date {
                    year: chrono::Datelike::year(d) as u16,
                    month: chrono::Datelike::month(d) as u8,
                    day: chrono::Datelike::day(d) as u8,
                };
                toml::Value::Datetime(toml::value::Datetime {
                    date: Some(date),
                    time: None,
                    offset: None,
                })
            }
            Value::Bool(b) => toml::Value::Boolean(*b),
            Value::List(items) => toml::Value::Array(items.iter().map(Value::to_toml).collect()),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Int(i) => serde_json::Value::from(*i),
            // Money stays a string in JSON too: a float would lose exactness.
            Value::Money(d) => serde_json::Value::String(d.to_string()),
            Value::Date(_) => serde_json::Value::String(self.to_string()),
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
        }
    }

    /// The value as the expression engine sees it. Money becomes a double: every decimal
    /// of up to 15 significant digits maps to a distinct double, so comparisons stay exact;
    /// fee arithmetic is done on decimals elsewhere, never here.
    pub fn to_cel(&self) -> cel::Value {
        match self {
            Value::Str(s) => cel::Value::from(s.as_str()),
            Value::Int(i) => cel::Value::Int(*i),
            Value::Money(d) => cel::Value::Float(d.to_string().parse::<f64>().unwrap_or(f64::NAN)),
            Value::Date(_) => cel::Value::from(self.to_string()),
            Value::Bool(b) => cel::Value::Bool(*b),
            Value::List(items) => {
                cel::Value::from(items.iter().map(Value::to_cel).collect::<Vec<_>>())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_exact_and_rescaled() {
        assert_eq!(parse_money("2800", 2).unwrap().to_string(), "2800.00");
        assert_eq!(parse_money("2800.5", 2).unwrap().to_string(), "2800.50");
        assert!(parse_money("2800.001", 2).is_err());
        assert!(parse_money("1e3", 2).is_err());
        assert!(parse_money("", 2).is_err());
        assert!(parse_money("12.", 2).is_err());
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2026-02-28").is_ok());
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2021/3/5").is_err());
        assert!(parse_date("2026-2-3").is_err());
    }

    #[test]
    fn lists_take_semicolons_or_toml_arrays() {
        let ty = FieldType::List(Box::new(FieldType::Date));
        let a = ty.parse_text("2026-01-01;2026-02-01").unwrap();
        let b = ty.parse_text("[2026-01-01, \"2026-02-01\"]").unwrap();
        assert_eq!(a, b);
    }
}
