//! Rendering data for people and scripts: aligned tables (CJK-aware), JSON, CSV, TOML.
//! A closed pipe (`docket query | head`) ends output quietly. Whatever a value holds,
//! no character of it reaches the reader unescaped: tables and CSV show `\x1b` and
//! `\u{202e}` (CSV cells a spreadsheet would run as formulas quoted), JSON and TOML use
//! their own `\uXXXX`.

use docket::i18n::{self, Lang};
use docket::ops::read::RecordView;
use docket::schema::value::Value;
use serde_json::json;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// A field's value as a table cell shows it, for people: money with `¥` (data formats
/// keep the bare exact decimal), an enum value by its title in Chinese.
pub fn table_value(field: &str, value: Option<&Value>) -> String {
    match value {
        Some(Value::Money(amount)) => format!("¥{amount}"),
        Some(other) => value_title(field, &other.to_string()),
        None => String::new(),
    }
}

/// The remembered title under `key`, or `name` itself in English or when there is none.
fn remembered(key: &str, name: &str) -> String {
    if i18n::current() == Lang::En {
        return name.to_string();
    }
    i18n::title(key).unwrap_or_else(|| name.to_string())
}

/// An enum value as a table cell shows it: by its title in Chinese.
pub fn value_title(field: &str, value: &str) -> String {
    remembered(&format!("value:{field}:{value}"), value)
}

/// A role as a table cell shows it: its title in Chinese, its name in English.
pub fn role_title(role: &str) -> String {
    remembered(&format!("role:{role}"), role)
}

/// A kind as a table cell shows it: its title in Chinese, its name in English.
pub fn kind_title(kind: &str) -> String {
    remembered(&format!("kind:{kind}"), kind)
}

/// Table rows with the kind and status columns (at `kind` and `status`) as people read
/// them.
pub fn titled_cells(rows: &mut [Vec<String>], kind: Option<usize>, status: Option<usize>) {
    for r in rows {
        if let Some(k) = kind {
            r[k] = kind_title(&r[k]);
        }
        if let Some(s) = status {
            r[s] = status_title(&r[s]);
        }
    }
}

/// An audit action as a table cell shows it (`action-…` in the catalogue).
pub fn action_title(action: &str) -> String {
    docket::text::action(action)
}

/// A status as a table cell shows it (`status-…` in the catalogue).
pub fn status_title(status: &str) -> String {
    docket::text::status(status)
}

/// A column or row label as people read it: docket's own from the catalogue
/// (`column-…`), a field's from its schema title. English keeps the names that scripts,
/// `--fields` and `--sort` use; CSV, JSON and TOML always do.
pub fn heading(key: &str) -> String {
    let lang = i18n::current();
    if lang == Lang::En || key.is_empty() {
        return key.to_string();
    }
    i18n::lookup_in(lang, &format!("column-{}", key.replace([' ', '_'], "-")))
        .or_else(|| i18n::title(key))
        .unwrap_or_else(|| key.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Toml,
}

/// Print to stdout; a broken pipe is reported as `Err` and treated as success upstream.
/// No control character but the line breaks docket itself writes reaches the terminal.
pub fn emit(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(terminal_safe(text).as_bytes())?;
    out.flush()
}

/// `text` with every control character but `\n` escaped.
pub fn terminal_safe(text: &str) -> String {
    text.split('\n')
        .map(|line| docket::text::escape(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// An aligned table; a cell holding a line break or escape sequence is shown escaped, so
/// no value can fake a row.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| docket::text::escape(c).into_owned())
                .collect()
        })
        .collect();
    let rows = &rows;
    let header: Vec<String> = header.iter().map(|h| heading(h)).collect();
    let header_widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    let mut widths = header_widths.clone();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    if let Some(available) = super::fit::terminal_width() {
        super::fit::fit(&mut widths, &header_widths, available);
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let c = super::fit::cut(c, widths[i]);
            s.push_str(&c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(widths[i] - c.width() + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.iter().map(String::as_str).collect());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    csv_rows(Some(header), rows)
}

/// CSV text of `rows`, after `header` when given (a stream's later batches have none).
pub fn csv_rows(header: Option<&[&str]>, rows: &[Vec<String>]) -> String {
    use docket::io::cells::to_cell;
    let mut w = csv::Writer::from_writer(Vec::new());
    if let Some(header) = header {
        w.write_record(header.iter().map(|h| to_cell(h).into_owned()))
            .expect("in-memory csv");
    }
    for r in rows {
        w.write_record(r.iter().map(|c| to_cell(c).into_owned()))
            .expect("in-memory csv");
    }
    String::from_utf8(w.into_inner().expect("in-memory csv")).expect("utf-8 in, utf-8 out")
}

pub fn record_json(v: &RecordView) -> serde_json::Value {
    let fields: serde_json::Map<String, serde_json::Value> = v
        .fields
        .iter()
        .map(|(k, x)| (k.clone(), x.to_json()))
        .collect();
    let mut o = json!({
        "id": v.id,
        "kind": v.kind,
        "version": v.version,
        "status": v.status,
        "written_at": v.written_at,
        "written_by": v.written_by,
        "policy": v.policy,
        "department": v.department,
        "fields": fields,
        "steps": v.steps.iter().map(|s| json!({"role": s.role, "rule": s.rule})).collect::<Vec<_>>(),
        "approvals": v.approvals.iter().map(|a| json!({
            "step": a.step, "rule": a.rule, "actor": a.actor, "at": a.at,
            "decision": a.decision, "comment": a.comment,
        })).collect::<Vec<_>>(),
    });
    if let Some(a) = &v.archive {
        o["archive"] = json!({
            "number": a.number, "archived_at": a.archived_at, "archived_by": a.archived_by, "note": a.note,
            "attachments": a.attachments.iter().map(|x| json!({"name": x.name, "path": x.path, "sha256": x.sha256, "bytes": x.bytes})).collect::<Vec<_>>(),
        });
    }
    o
}

pub fn cell(v: Option<&Value>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

pub fn pretty_json(v: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(v).expect("json serializes");
    docket::escape::json(&text).into_owned() + "\n"
}

/// Data as JSON, or as a TOML document with the data under `key` (TOML has no top-level
/// arrays and no nulls: absent values are left out).
pub fn structured(format: Format, key: &str, v: serde_json::Value) -> String {
    if format != Format::Toml {
        return pretty_json(&v);
    }
    let v = match v {
        serde_json::Value::Object(_) => v,
        other => serde_json::json!({ key: other }),
    };
    let t: toml::Value =
        serde_json::from_value(strip_nulls(v)).expect("JSON without nulls is TOML");
    let text = toml::to_string(&t).expect("toml serializes");
    docket::escape::toml(&text).into_owned()
}

fn strip_nulls(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => serde_json::Value::Object(
            m.into_iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k, strip_nulls(x)))
                .collect(),
        ),
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.into_iter().map(strip_nulls).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "=x\u{1b}[2J\u{202e}cba\u{200b}\n2  fake row";

    /// Whether a reader would see a character of `HOSTILE` that does not show as itself.
    fn raw(text: &str) -> bool {
        text.chars()
            .any(|c| matches!(c, '\u{1b}' | '\u{202e}' | '\u{200b}'))
    }

    #[test]
    fn no_format_shows_a_value_raw() {
        let rows = vec![vec![HOSTILE.to_string()]];
        let shown = table(&["name"], &rows);
        assert_eq!(
            shown,
            "name\n=x\\x1b[2J\\u{202e}cba\\u{200b}\\n2  fake row\n"
        );
        let cells = csv(&["name"], &rows);
        assert_eq!(
            cells,
            "name\n'=x\\x1b[2J\\u{202e}cba\\u{200b}\\n2  fake row\n"
        );
        let v = json!({ "name": HOSTILE });
        let text = structured(Format::Json, "records", v.clone());
        assert!(!raw(&text), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
        let text = structured(Format::Toml, "records", v.clone());
        assert!(!raw(&text) && text.lines().count() == 1, "{text}");
        assert_eq!(
            toml::from_str::<serde_json::Value>(&text).unwrap(),
            v,
            "{text}"
        );
        for text in [shown, cells] {
            assert_eq!(terminal_safe(&text), text, "nothing left to escape");
        }
    }
}
