//! The message catalogues stay complete and in step: every id in both languages with the
//! same arguments, every id the code asks for present, no English changed without its
//! Chinese, and no user-facing sentence written outside the catalogue.

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

const EN: &str = concat!(
    include_str!("../locales/en.ftl"),
    "\n",
    include_str!("../locales/help/en.ftl")
);
const ZH: &str = concat!(
    include_str!("../locales/zh-CN.ftl"),
    "\n",
    include_str!("../locales/help/zh-CN.ftl")
);
const LOCK: &str = "locales/catalogue.lock";

/// A message's text (as the parser sees it) and the arguments it names.
struct Message {
    text: String,
    args: BTreeSet<String>,
}

fn variables(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            match expression {
                Expression::Inline(e) => inline_variables(e, out),
                Expression::Select { selector, variants } => {
                    inline_variables(selector, out);
                    for v in variants {
                        variables(&v.value, out);
                    }
                }
            }
        }
    }
}

fn inline_variables(e: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        InlineExpression::Placeable { expression } => {
            if let Expression::Inline(inner) = expression.as_ref() {
                inline_variables(inner, out)
            }
        }
        _ => {}
    }
}

fn catalogue(name: &str, text: &'static str) -> BTreeMap<String, Message> {
    let resource = fluent_syntax::parser::parse(text)
        .unwrap_or_else(|(_, errors)| panic!("{name} does not parse: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            Entry::Message(m) => {
                let value = m.value.as_ref().expect("every message has a value");
                let mut args = BTreeSet::new();
                variables(value, &mut args);
                let id = m.id.name.to_string();
                let message = Message {
                    text: format!("{value:?}"),
                    args,
                };
                assert!(
                    out.insert(id.clone(), message).is_none(),
                    "{name}: `{id}` twice"
                );
            }
            Entry::Junk { content } => panic!("{name}: cannot read `{content}`"),
            _ => {}
        }
    }
    out
}

#[test]
fn every_message_is_in_both_languages_with_the_same_arguments() {
    let en = catalogue("en.ftl", EN);
    let zh = catalogue("zh-CN.ftl", ZH);
    let only_en: Vec<&String> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
    let only_zh: Vec<&String> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "not translated into zh-CN: {only_en:?}");
    assert!(
        only_zh.is_empty(),
        "in zh-CN but not in English: {only_zh:?}"
    );
    let differ: Vec<String> = en
        .iter()
        .filter(|(id, m)| zh[*id].args != m.args)
        .map(|(id, m)| format!("{id}: en {:?}, zh-CN {:?}", m.args, zh[id].args))
        .collect();
    assert!(
        differ.is_empty(),
        "arguments differ:\n{}",
        differ.join("\n")
    );
}

fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

fn lock_lines() -> String {
    let en = catalogue("en.ftl", EN);
    let zh = catalogue("zh-CN.ftl", ZH);
    en.iter()
        .map(|(id, m)| {
            let zh_text = zh.get(id).map(|z| z.text.as_str()).unwrap_or("");
            format!(
                "{id} en:{} zh:{}\n",
                short_hash(&m.text),
                short_hash(zh_text)
            )
        })
        .collect()
}

/// `locales/catalogue.lock` pins a hash of each message in both languages. English that
/// changes while its Chinese stays as it was is a translation forgotten; once both are
/// right, `DOCKET_UPDATE_CATALOGUE_LOCK=1 cargo test --test catalogue` writes the lock.
#[test]
fn no_english_message_changes_without_its_chinese() {
    let now = lock_lines();
    if std::env::var_os("DOCKET_UPDATE_CATALOGUE_LOCK").is_some() {
        std::fs::write(LOCK, &now).unwrap();
        return;
    }
    let locked = std::fs::read_to_string(LOCK).expect("locales/catalogue.lock exists");
    let parse = |s: &str| -> BTreeMap<String, (String, String)> {
        s.lines()
            .filter_map(|l| {
                let mut parts = l.split(' ');
                let id = parts.next()?.to_string();
                let en = parts.next()?.strip_prefix("en:")?.to_string();
                let zh = parts.next()?.strip_prefix("zh:")?.to_string();
                Some((id, (en, zh)))
            })
            .collect()
    };
    let (was, is) = (parse(&locked), parse(&now));
    let mut untranslated = Vec::new();
    let mut stale = Vec::new();
    for (id, (en, zh)) in &is {
        match was.get(id) {
            Some((old_en, old_zh)) if old_en != en && old_zh == zh => untranslated.push(id),
            Some(old) if old != &(en.clone(), zh.clone()) => stale.push(id),
            None => stale.push(id),
            _ => {}
        }
    }
    stale.extend(was.keys().filter(|id| !is.contains_key(*id)));
    assert!(
        untranslated.is_empty(),
        "English changed but its Chinese did not: {untranslated:?}; translate them in locales/zh-CN.ftl"
    );
    assert!(
        stale.is_empty(),
        "messages added, removed or changed in both languages: {stale:?}; \
         run DOCKET_UPDATE_CATALOGUE_LOCK=1 cargo test --test catalogue"
    );
}

/// The Rust sources under `src/`, each with its text.
fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p.display().to_string(), text));
            }
        }
    }
    out
}

/// Message ids the code asks for with `t!("…")` (not `format!(…)`), the literal id
/// being the macro's first token.
fn ids_asked_for(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("t!(") {
        let start = from + at;
        from = start + 3;
        let before = text[..start].chars().next_back();
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let in_comment = text[line_start..start].trim_start().starts_with("//");
        if in_comment || before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(body) = text[from..].trim_start().strip_prefix('"') else {
            continue;
        };
        let id: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if body[id.len()..].starts_with('"') && !id.is_empty() {
            ids.push(id);
        }
    }
    ids
}

#[test]
fn every_message_the_code_asks_for_is_in_the_catalogue() {
    let en = catalogue("en.ftl", EN);
    let mut missing = Vec::new();
    let mut asked = BTreeSet::new();
    for (path, text) in sources() {
        for id in ids_asked_for(&text) {
            if !en.contains_key(&id) {
                missing.push(format!("{path}: {id}"));
            }
            asked.insert(id);
        }
    }
    assert!(missing.is_empty(), "not in locales/en.ftl: {missing:?}");
    // Messages looked up by a computed id (help texts, titles) start with these.
    let computed = [
        "help-", "heading-", "column-", "status-", "clap-", "action-", "done-", "class-",
    ];
    let unused: Vec<&String> = en
        .keys()
        .filter(|id| !asked.contains(*id) && !computed.iter().any(|p| id.starts_with(p)))
        .collect();
    assert!(
        unused.is_empty(),
        "in the catalogue but never asked for: {unused:?}"
    );
}

/// The string literals of Rust source `text` up to its tests, each with the code just
/// before it.
fn literals(text: &str) -> Vec<(String, String)> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let b = code.as_bytes();
    let (mut i, mut out) = (0, Vec::new());
    while i < b.len() {
        if code[i..].starts_with("//") {
            i += code[i..].find('\n').unwrap_or(code.len() - i);
        } else if code[i..].starts_with("r#\"") || code[i..].starts_with("r\"") {
            let hashes = code[i + 1..].bytes().take_while(|c| *c == b'#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let body = i + 2 + hashes;
            i = body + code[body..].find(&close).unwrap() + close.len();
        } else if b[i] == b'\'' && i + 2 < b.len() && (b[i + 2] == b'\'' || b[i + 1] == b'\\') {
            i += 1 + code[i + 1..].find('\'').unwrap() + 1;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let before = code[..i].trim_end();
            let before = before
                .char_indices()
                .rev()
                .nth(79)
                .map_or(before, |(k, _)| &before[k..]);
            out.push((code[i + 1..j].to_string(), before.to_string()));
            i = j + 1;
        } else {
            i += code[i..].chars().next().unwrap().len_utf8();
        }
    }
    out
}

/// Whether a literal reads as an English sentence (three words or more, placeholders
/// aside).
fn sentence(literal: &str) -> bool {
    let mut bare = String::new();
    let mut depth = 0;
    for c in literal.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if depth == 0 => bare.push(c),
            _ => {}
        }
    }
    let words = bare
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .count();
    words >= 3 && bare.trim().contains(' ')
}

/// A statement for the settled index's database.
fn is_sql(literal: &str) -> bool {
    let words = [
        "SELECT ",
        "INSERT ",
        "CREATE ",
        "ALTER TABLE ",
        "DELETE ",
        "BEGIN",
        "PRAGMA ",
        "CAST(",
        "NOT (",
    ];
    words.iter().any(|w| literal.trim_start().starts_with(w))
}

/// Sentences in code that are not for people: bugs, file formats, shell commands, and
/// the text of files docket writes.
const NOT_FOR_PEOPLE: &[&str] = &[
    "{rel} written twice in one transaction",
    "{shown}:{} changed between the check and the write",
    "docket --store {} verify --staged",
    "the policy the store was made with",
    r"{}\n  docket actor allowed-signers > allowed_signers\n  ssh-keygen -Y verify -f allowed_signers -I {} -n docket -s {} < {}",
];

#[test]
fn no_sentence_for_people_is_written_outside_the_catalogue() {
    let callers = [
        "t!(",
        "expect(",
        "panic!(",
        "unreachable!(",
        "assert!(",
        "Internal(format!(",
        "Internal(",
        "help_heading =",
        "contains(",
    ];
    let mut found = Vec::new();
    for (path, text) in sources() {
        if path.ends_with("i18n.rs") || path.ends_with("examples.rs") {
            continue;
        }
        for (literal, before) in literals(&text) {
            let called_by = |c: &&str| {
                before.strip_suffix(*c).is_some_and(|rest| {
                    !rest.ends_with(|ch: char| ch.is_alphanumeric() || ch == '_')
                })
            };
            let excused = callers.iter().any(called_by)
                || NOT_FOR_PEOPLE.contains(&literal.as_str())
                || literal.starts_with("docket-")
                || literal.trim_start().starts_with('#')
                // Markup of the pages docket writes: their words come from the catalogue.
                || literal.trim_start().starts_with('<')
                || is_sql(&literal);
            if sentence(&literal) && !excused {
                found.push(format!("{path}: \"{literal}\""));
            }
        }
    }
    assert!(
        found.is_empty(),
        "user-facing text outside the catalogue (give it an id in locales/en.ftl and zh-CN.ftl and say it with t!):\n{}",
        found.join("\n")
    );
}

/// One Chinese word for each term (`locales/glossary.toml`): the Chinese catalogue, help
/// and README use it, and none of the words the glossary avoids.
#[test]
fn the_chinese_texts_keep_to_the_glossary() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let glossary: toml::Table = toml::from_str(&read("locales/glossary.toml")).unwrap();
    let texts: Vec<(&str, String)> = [
        "locales/zh-CN.ftl",
        "locales/help/zh-CN.ftl",
        "README.zh-CN.md",
    ]
    .into_iter()
    .map(|f| (f, read(f)))
    .collect();
    let all: String = texts.iter().map(|(_, t)| t.as_str()).collect();
    let mut wrong = Vec::new();
    for term in glossary["term"].as_array().unwrap() {
        let zh = term["zh"].as_str().unwrap();
        if !all.contains(zh) {
            wrong.push(format!("`{zh}` ({}) is never used", term["en"]));
        }
        for avoided in term["avoid"].as_array().unwrap() {
            let avoided = avoided.as_str().unwrap();
            for (file, text) in &texts {
                for (n, line) in text.lines().enumerate() {
                    if line.contains(avoided) {
                        wrong.push(format!(
                            "{file}:{}: `{avoided}` where the glossary says `{zh}`",
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
