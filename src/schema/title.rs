//! A name shown to people, in each language docket speaks: a schema writes `title = "…"`
//! (one text for every language) or `title = { en = "…", zh-CN = "…" }`.

use crate::i18n::{self, Lang};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Title {
    One(String),
    ByLanguage(BTreeMap<String, String>),
}

impl Default for Title {
    fn default() -> Self {
        Title::ByLanguage(BTreeMap::new())
    }
}

impl Title {
    /// The text for `lang`, if the schema gives one (a single text serves every language).
    pub fn get(&self, lang: Lang) -> Option<&str> {
        match self {
            Title::One(text) => Some(text),
            Title::ByLanguage(texts) => texts.get(lang.tag()).map(String::as_str),
        }
    }

    /// The text in the language of this run, else English, else `fallback`.
    pub fn show(&self, fallback: &str) -> String {
        self.get(i18n::current())
            .or_else(|| self.get(Lang::En))
            .unwrap_or(fallback)
            .to_string()
    }

    /// Every text it has, in any language.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Title::One(text) => vec![text],
            Title::ByLanguage(texts) => texts.values().map(String::as_str).collect(),
        }
    }

    /// The language tags it names that docket does not speak.
    pub fn unknown_languages(&self) -> Vec<String> {
        match self {
            Title::One(_) => Vec::new(),
            Title::ByLanguage(texts) => texts
                .keys()
                .filter(|tag| Lang::from_tag(tag).is_none_or(|l| l.tag() != tag.as_str()))
                .cloned()
                .collect(),
        }
    }
}

/// What people call each field (by its name), kind (`kind:NAME`), role (`role:NAME`) and
/// enum value (`value:FIELD:VALUE`) of `schemas`, in `lang`.
pub fn titles_in(
    schemas: &crate::schema::Schemas,
    lang: crate::i18n::Lang,
) -> std::collections::BTreeMap<String, String> {
    let by_language = |title: &Title, key: String| match title {
        Title::ByLanguage(t) => t.get(lang.tag()).map(|t| (key, t.clone())),
        Title::One(_) => None,
    };
    let fields = schemas
        .kinds
        .values()
        .flat_map(|k| k.fields.iter())
        .filter_map(|f| f.title.get(lang).map(|t| (f.name.clone(), t.to_string())));
    let kinds = schemas
        .kinds
        .iter()
        .filter_map(|(name, k)| by_language(&k.title, format!("kind:{name}")));
    let values = schemas
        .kinds
        .values()
        .flat_map(|k| k.fields.iter())
        .flat_map(|f| {
            f.value_titles.iter().filter_map(move |(value, title)| {
                title
                    .get(lang)
                    .map(|t| (format!("value:{}:{value}", f.name), t.to_string()))
            })
        });
    let roles = schemas
        .roles
        .roles
        .iter()
        .filter_map(|(name, r)| by_language(&r.title, format!("role:{name}")));
    fields.chain(kinds).chain(values).chain(roles).collect()
}
