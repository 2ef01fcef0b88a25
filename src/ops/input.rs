//! Field values as users give them: `--set FIELD=VALUE`, `--unset FIELD`, `--file F.toml`.
//! Every problem is reported with where it came from and what to do.

use crate::error::{InputError, Location};
use crate::schema::kind::{Kind, line_at, line_of};
use crate::schema::value::Value;
use std::collections::BTreeMap;

/// Where a record's values came from, to point messages at the right place.
#[derive(Debug, Clone)]
pub enum Origin {
    Set,
    File { name: String, text: String },
    Row { file: String, line: usize },
}

impl Origin {
    pub fn locate(&self, field: &str) -> Location {
        match self {
            Origin::Set => Location::default().field(field),
            Origin::File { name, text } => Location::file(name.clone())
                .line(line_of(text, &format!("{field} ")).or(line_of(text, &format!("{field}="))))
                .field(field),
            Origin::Row { file, line } => {
                Location::file(file.clone()).line(Some(*line)).field(field)
            }
        }
    }
}

/// A field name the kind does not have, with the closest one it does.
pub fn unknown_field(kind: &Kind, at: Location, name: &str) -> InputError {
    let fields: Vec<&str> = kind.fields.iter().map(|f| f.name.as_str()).collect();
    InputError::new(
        at,
        t!("input-kind-has-no-field", name2 = kind.name, name = name),
    )
    .hint(t!(
        "input-see-docket-types",
        suggest = crate::text::suggest(name, &t!("text-fields-of", kind = kind.name), &fields),
        name = kind.name
    ))
}

/// Parse `FIELD=VALUE` pairs by each field's type.
pub fn parse_sets(
    kind: &Kind,
    sets: &[String],
    out: &mut BTreeMap<String, Value>,
) -> Vec<InputError> {
    let mut errors = Vec::new();
    for set in sets {
        // `＝` is what a Chinese input method types for `=`.
        let Some((name, value)) = set.split_once(['=', '＝']) else {
            errors.push(
                InputError::new(
                    Location::file(format!("--set {set}")),
                    t!("input-expected-field-value"),
                )
                .hint(t!("input-e-g-set-phone")),
            );
            continue;
        };
        let name = name.trim();
        let at = Location::file(format!("--set {name}")).field(name);
        let Some(field) = kind.field(name) else {
            errors.push(unknown_field(kind, at, name));
            continue;
        };
        if value.trim().is_empty() {
            errors.push(
                InputError::new(at, t!("input-value-empty"))
                    .hint(t!("input-give-value-remove-field", name = name)),
            );
            continue;
        }
        match field.parse_typed(value) {
            Ok(v) => {
                out.insert(name.to_string(), v);
            }
            Err(m) => errors.push(InputError::new(at, m)),
        }
    }
    errors
}

/// A value typed by a user holds no control characters.
fn plain_value(v: &Value) -> Result<(), String> {
    match v {
        Value::Str(s) => crate::text::refuse_unprintable(s).map_or(Ok(()), Err),
        Value::List(items) => items.iter().try_for_each(plain_value),
        _ => Ok(()),
    }
}

/// Free text typed at the command line (a reason, comment, note or purpose): one line of
/// plain text of at most `max` characters, or exit 5 naming the flag.
pub fn plain_text(flag: &str, text: &str, max: usize) -> Result<(), InputError> {
    if let Some(m) = crate::text::refuse_unprintable(text) {
        return Err(InputError::new(Location::file(flag), m)
            .hint(t!("input-write-one-line-without", flag = flag)));
    }
    let n = text.chars().count();
    if n > max {
        return Err(InputError::new(
            Location::file(flag),
            t!("input-characters-at-most-policy", n = n, max = max),
        )
        .hint(t!("input-say-fewer-words-record")));
    }
    Ok(())
}

/// Free text that must say something — a reason, comment or purpose: plain text (as
/// `plain_text`) holding words, not only blanks and punctuation, and not a placeholder of
/// the policy (无, 待定, N/A, …). Exit 5 naming the flag and what to write instead.
pub fn stated(
    flag: &str,
    text: &str,
    (max, today): (usize, chrono::NaiveDate),
    placeholders: &[String],
) -> Result<(), InputError> {
    plain_text(flag, text, max)?;
    says_something(flag, text, placeholders)?;
    holds_no_personal_number(flag, text, today)
}

/// Free text is kept in the audit log for good, where personal data never goes: a
/// resident id or a mobile number in it is refused (exit 5), naming what it looks like,
/// never the number.
pub fn holds_no_personal_number(
    flag: &str,
    text: &str,
    today: chrono::NaiveDate,
) -> Result<(), InputError> {
    let Some(found) = crate::schema::formats::personal_number_in(text, today) else {
        return Ok(());
    };
    let what = what_is(flag);
    let message = t!(
        "input-text-holds-personal-number",
        what = what,
        number = found.name()
    );
    Err(InputError::new(Location::file(flag), message)
        .hint(t!("input-say-it-without-the-number", flag = flag)))
}

/// What the free text given with `flag` is, as the messages about it name it.
fn what_is(flag: &str) -> &'static str {
    match flag {
        "--purpose" => "purpose",
        "--comment" => "comment",
        "--note" => "note",
        _ => "reason",
    }
}

/// `text`, given with `flag`, holds a letter or digit and is not a placeholder.
pub fn says_something(flag: &str, text: &str, placeholders: &[String]) -> Result<(), InputError> {
    let what = what_is(flag);
    let shown = crate::text::escape(text.trim()).into_owned();
    let message = if !text.chars().any(char::is_alphanumeric) {
        t!("input-text-says-nothing", text = shown, what = what)
    } else if crate::text::is_placeholder(text, placeholders) {
        t!("input-text-placeholder", text = shown, what = what)
    } else {
        return Ok(());
    };
    let hint = match what {
        "purpose" => t!("input-state-purpose"),
        "comment" => t!("input-state-comment"),
        _ => t!("input-state-reason", flag = flag),
    };
    Err(InputError::new(Location::file(flag), message).hint(hint))
}

/// Parse a TOML document with one top-level key per field.
pub fn parse_file(
    kind: &Kind,
    name: &str,
    text: &str,
    out: &mut BTreeMap<String, Value>,
) -> Vec<InputError> {
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| line_at(text, s.start));
            return vec![
                InputError::new(
                    Location::file(name).line(line),
                    t!("input-toml-syntax-error", message = e.message().trim()),
                )
                .hint(t!("input-fix-file-one-field")),
            ];
        }
    };
    let origin = Origin::File {
        name: name.to_string(),
        text: text.to_string(),
    };
    let mut errors = Vec::new();
    for (key, raw) in &table {
        let at = origin.locate(key);
        let Some(field) = kind.field(key) else {
            errors.push(unknown_field(kind, at, key));
            continue;
        };
        if matches!(raw, toml::Value::String(s) if s.trim().is_empty()) {
            errors.push(
                InputError::new(at, t!("input-value-empty"))
                    .hint(t!("input-give-value-leave-field")),
            );
            continue;
        }
        let raw = match raw {
            toml::Value::String(t) if field.narrows() => {
                toml::Value::String(field.typed(t).into_owned())
            }
            other => other.clone(),
        };
        match field
            .ty
            .from_toml(&raw)
            .and_then(|v| plain_value(&v).map(|_| v))
        {
            Ok(v) => {
                out.insert(key.clone(), v);
            }
            Err(m) => errors.push(InputError::new(at, m)),
        }
    }
    errors
}
