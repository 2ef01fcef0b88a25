//! Which changes of the policy widen access or weaken a rule, and so take two
//! administrators: a role that gains a personal-data class, a kind, an act or a wider
//! scope; a field that loses its personal-data class, its requirement, its format or a
//! bound; an approval step, a rule or a fee check dropped or changed; a tariff amount
//! rewritten or back-dated; a validity period or threshold raised. Everything else —
//! titles and purposes, new rules, new steps, tighter bounds, narrower roles — is neutral
//! or narrowing and keeps one signature. What is not understood counts as weakening.

use chrono::NaiveDate;
use std::collections::BTreeMap;
use toml::{Table, Value};

/// A policy's files: source (`docket.toml`, `schemas/roles.toml`) → text.
pub type Texts = BTreeMap<String, String>;

/// Settings in `[policy]` where a larger number is a weaker rule.
const LARGER_IS_WEAKER: [&str; 6] = [
    "training_valid_days",
    "archive_within_days",
    "signed_within_days",
    "probe_allowance",
    "clock_skew_seconds",
    "proposal_valid_days",
];

/// Settings in `[policy]` that change no rule.
const NEUTRAL_SETTINGS: [&str; 8] = [
    "lock_timeout_seconds",
    "default_encoding",
    "max_text_chars",
    "max_value_chars",
    "max_file_bytes",
    "max_import_bytes",
    "max_line_bytes",
    "max_paper_bytes",
];

/// Field attributes that only name or explain.
const NEUTRAL_FIELD_KEYS: [&str; 4] = ["title", "purpose", "value_titles", "rule"];

/// Every way `new` widens access or weakens a rule of `old`, described for people; `today`
/// tells a back-dated tariff amount from one that takes effect later.
pub fn weakenings(old: &Texts, new: &Texts, today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let table = |texts: &Texts, source: &str| -> Option<Table> {
        texts.get(source).and_then(|t| toml::from_str(t).ok())
    };
    for source in old
        .keys()
        .chain(new.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (before, after) = (table(old, source), table(new, source));
        let (Some(before), Some(after)) = (before, after) else {
            if old.contains_key(source) && new.contains_key(source) {
                out.push(t!("weaken-unreadable", source = source));
            } else if old.contains_key(source) && source.starts_with("schemas/") {
                out.push(t!("weaken-file-removed", source = source));
            }
            continue;
        };
        match source.as_str() {
            crate::layout::CONFIG_NAME => settings(&before, &after, &mut out),
            "schemas/roles.toml" => roles(&before, &after, &mut out),
            "schemas/tariffs.toml" => tariffs(&before, &after, today, &mut out),
            _ => kind(source, &before, &after, &mut out),
        }
    }
    out
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn settings(before: &Table, after: &Table, out: &mut Vec<String>) {
    let section = |t: &Table| {
        t.get("policy")
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default()
    };
    let (old, new) = (section(before), section(after));
    let defaults =
        toml::Table::try_from(crate::store::config::PolicySettings::default()).unwrap_or_default();
    let value = |t: &Table, k: &str| t.get(k).or_else(|| defaults.get(k)).cloned();
    for key in old
        .keys()
        .chain(new.keys())
        .chain(defaults.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (was, is) = (value(&old, key), value(&new, key));
        if was == is || NEUTRAL_SETTINGS.contains(&key.as_str()) {
            continue;
        }
        let weaker = if LARGER_IS_WEAKER.contains(&key.as_str()) {
            match (number(was.as_ref()), number(is.as_ref())) {
                (Some(a), Some(b)) => b > a,
                _ => true,
            }
        } else if key == "placeholders" {
            let items = |v: &Option<Value>| -> Vec<Value> {
                v.as_ref()
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            };
            let kept = items(&is);
            items(&was).iter().any(|p| !kept.contains(p))
        } else {
            true
        };
        if weaker {
            out.push(t!("weaken-setting", key = key.as_str()));
        }
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn roles(before: &Table, after: &Table, out: &mut Vec<String>) {
    let section = |t: &Table| {
        t.get("roles")
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default()
    };
    let (old, new) = (section(before), section(after));
    for (name, role) in &new {
        let was = old
            .get(name)
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default();
        let Some(role) = role.as_table() else {
            continue;
        };
        for key in ["create", "reveal", "actions"] {
            let had = strings(was.get(key));
            for gained in strings(role.get(key))
                .into_iter()
                .filter(|x| !had.contains(x))
            {
                out.push(t!(
                    "weaken-role-gains",
                    role = name.as_str(),
                    what = format!("{key} {gained}")
                ));
            }
        }
        let scope = |t: &Table| {
            t.get("scope")
                .and_then(Value::as_str)
                .unwrap_or("all")
                .to_string()
        };
        if scope(role) == "all" && (scope(&was) == "department" || !old.contains_key(name)) {
            out.push(t!(
                "weaken-role-gains",
                role = name.as_str(),
                what = "scope all"
            ));
        }
    }
}

fn tariffs(before: &Table, after: &Table, today: NaiveDate, out: &mut Vec<String>) {
    let amounts = |t: &Value| -> Vec<Value> {
        t.get("amounts")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for (name, tariff) in before {
        let Some(now) = after.get(name) else {
            out.push(t!("weaken-tariff", tariff = name.as_str()));
            continue;
        };
        let kept = amounts(now);
        let unit_changed = tariff.get("unit") != now.get("unit");
        if unit_changed || amounts(tariff).iter().any(|a| !kept.contains(a)) {
            out.push(t!("weaken-tariff", tariff = name.as_str()));
        }
        let old = amounts(tariff);
        for added in kept.iter().filter(|a| !old.contains(a)) {
            let from = added
                .get("from")
                .and_then(|f| f.to_string().parse::<NaiveDate>().ok());
            if from.is_none_or(|d| d <= today) {
                out.push(t!("weaken-tariff", tariff = name.as_str()));
            }
        }
    }
}

fn kind(source: &str, before: &Table, after: &Table, out: &mut Vec<String>) {
    let name = before
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or(source)
        .to_string();
    let say = |what: String| t!("weaken-kind", kind = name.as_str(), what = what);
    for key in ["kind", "prefix", "lifecycle"] {
        if before.get(key) != after.get(key) {
            out.push(say(key.to_string()));
        }
    }
    let date = |t: &Table| t.get("effective").map(|v| v.to_string());
    let earlier = match (date(before), date(after)) {
        (Some(_), None) => true,
        // ISO dates order as text.
        (Some(a), Some(b)) => b < a,
        _ => false,
    };
    if earlier {
        out.push(say("effective".into()));
    }
    let creators = |t: &Table| t.get("create_roles").map(|v| strings(Some(v)));
    match (creators(before), creators(after)) {
        (Some(a), Some(b)) if b.iter().all(|r| a.contains(r)) => {}
        (None, _) => {}
        _ => out.push(say("create_roles".into())),
    }
    fields(before, after, &mut |w| out.push(say(w)));
    for list in ["rules", "fees", "steps"] {
        let items = |t: &Table| -> Vec<Table> {
            t.get(list)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|x| x.as_table().cloned()).collect())
                .unwrap_or_default()
        };
        let (old, new) = (items(before), items(after));
        let without_words = |t: &Table| {
            let mut t = t.clone();
            t.remove("message");
            t
        };
        let new_plain: Vec<Table> = new.iter().map(without_words).collect();
        for item in old.iter().map(without_words) {
            if !new_plain.contains(&item) {
                let what = item
                    .get("id")
                    .or(item.get("role"))
                    .or(item.get("field"))
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                out.push(say(format!("{list} {what}")));
            }
        }
    }
}

/// Each field's attributes: a lost class, requirement, format or bound is weaker.
fn fields(before: &Table, after: &Table, out: &mut dyn FnMut(String)) {
    let section = |t: &Table| {
        t.get("fields")
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default()
    };
    let (old, new) = (section(before), section(after));
    for (name, field) in &old {
        let Some(field) = field.as_table() else {
            continue;
        };
        let Some(now) = new.get(name).and_then(Value::as_table) else {
            let required = field.get("required") == Some(&Value::Boolean(true))
                || field.contains_key("required_when");
            if required {
                out(format!("field {name}"));
            }
            continue;
        };
        for key in field
            .keys()
            .chain(now.keys())
            .collect::<std::collections::BTreeSet<_>>()
        {
            let (was, is) = (field.get(key), now.get(key));
            if was == is || NEUTRAL_FIELD_KEYS.contains(&key.as_str()) {
                continue;
            }
            let weaker = match key.as_str() {
                "required" | "unique" => is != Some(&Value::Boolean(true)),
                "required_when" => !field
                    .get("required")
                    .is_some_and(|r| r == &Value::Boolean(true)),
                "min" => bound_moved(was, is, |a, b| b < a),
                "max" | "max_length" => bound_moved(was, is, |a, b| b > a),
                "formats" => {
                    let kept: Vec<Value> =
                        is.and_then(Value::as_array).cloned().unwrap_or_default();
                    was.and_then(Value::as_array)
                        .is_some_and(|w| w.iter().any(|f| !kept.contains(f)))
                }
                _ => true,
            };
            if weaker {
                out(format!("field {name}: {key}"));
            }
        }
    }
}

/// Whether a bound moved the weak way (`looser(old, new)`), or went, or cannot be told.
fn bound_moved(was: Option<&Value>, is: Option<&Value>, looser: fn(f64, f64) -> bool) -> bool {
    match (was, is) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(a), Some(b)) => match (number(Some(a)), number(Some(b))) {
            (Some(x), Some(y)) => looser(x, y),
            _ => match (a.as_datetime(), b.as_datetime()) {
                (Some(x), Some(y)) => looser(
                    x.to_string().replace('-', "").parse().unwrap_or(0.0),
                    y.to_string().replace('-', "").parse().unwrap_or(0.0),
                ),
                _ => true,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(pairs: &[(&str, &str)]) -> Texts {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    }

    #[test]
    fn a_role_that_gains_a_class_or_scope_weakens() {
        let old = texts(&[(
            "schemas/roles.toml",
            "[roles.clerk]\ntitle='c'\nreveal=['contact']\nscope='department'\n",
        )]);
        let new = texts(&[(
            "schemas/roles.toml",
            "[roles.clerk]\ntitle='clerk'\nreveal=['contact','identity']\n",
        )]);
        let w = weakenings(&old, &new, today());
        assert_eq!(w.len(), 2, "{w:?}");
        let narrower = texts(&[(
            "schemas/roles.toml",
            "[roles.clerk]\ntitle='x'\nreveal=[]\nscope='department'\n",
        )]);
        assert!(weakenings(&old, &narrower, today()).is_empty());
    }

    #[test]
    fn settings_weaken_only_the_weak_way() {
        let old = texts(&[(
            "docket.toml",
            "[store]\nid='a'\n[policy]\ntraining_valid_days = 365\n",
        )]);
        let longer = texts(&[(
            "docket.toml",
            "[store]\nid='a'\n[policy]\ntraining_valid_days = 36500\n",
        )]);
        let shorter = texts(&[(
            "docket.toml",
            "[store]\nid='a'\n[policy]\ntraining_valid_days = 180\nlock_timeout_seconds = 3\n",
        )]);
        assert_eq!(weakenings(&old, &longer, today()).len(), 1);
        assert!(weakenings(&old, &shorter, today()).is_empty());
    }

    #[test]
    fn kinds_weaken_when_a_class_step_or_bound_goes() {
        let old = "kind='k'\n[fields.id_number]\npii='identity'\nrequired=true\nmin=1\n[[steps]]\nrole='gm'\nwhen='x'\nrule='R'\n";
        let no_pii = "kind='k'\n[fields.id_number]\nrequired=true\nmin=1\n[[steps]]\nrole='gm'\nwhen='x'\nrule='R'\n";
        let no_step = "kind='k'\n[fields.id_number]\npii='identity'\nrequired=true\nmin=1\n";
        let tighter = "kind='k'\n[fields.id_number]\npii='identity'\nrequired=true\nmin=5\ntitle='t'\n[[steps]]\nrole='gm'\nwhen='x'\nrule='R'\n[[steps]]\nrole='vp'\nrule='R2'\n";
        let at = |t: &str| texts(&[("schemas/k.toml", t)]);
        assert_eq!(weakenings(&at(old), &at(no_pii), today()).len(), 1);
        assert_eq!(weakenings(&at(old), &at(no_step), today()).len(), 1);
        assert!(weakenings(&at(old), &at(tighter), today()).is_empty());
    }

    #[test]
    fn a_tariff_rewritten_or_backdated_weakens_and_a_later_one_does_not() {
        let old = "[t]\ntitle='t'\nunit='u'\n[[t.amounts]]\nfrom=2011-10-01\namount='2800.00'\n";
        let rewritten = "[t]\ntitle='t'\nunit='u'\n[[t.amounts]]\nfrom=2011-10-01\namount='1.00'\n";
        let later = format!("{old}[[t.amounts]]\nfrom=2027-01-01\namount='2900.00'\n");
        let backdated = format!("{old}[[t.amounts]]\nfrom=2020-01-01\namount='1.00'\n");
        let at = |t: &str| texts(&[("schemas/tariffs.toml", t)]);
        assert!(!weakenings(&at(old), &at(rewritten), today()).is_empty());
        assert!(weakenings(&at(old), &at(&later), today()).is_empty());
        assert!(!weakenings(&at(old), &at(&backdated), today()).is_empty());
    }
}
