//! The language docket speaks: every user-facing text comes from one Fluent catalogue per
//! language (`locales/en.ftl`, `locales/zh-CN.ftl`), by message id with named arguments.
//! The language is chosen once per run, before anything is said; data formats (JSON, CSV,
//! TOML keys) never depend on it.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

/// The languages docket speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    ZhCn,
}

pub const EN_FTL: &str = include_str!("../locales/en.ftl");
pub const ZH_FTL: &str = include_str!("../locales/zh-CN.ftl");
/// `--help` of every command and argument, apart from the messages.
pub const EN_HELP_FTL: &str = include_str!("../locales/help/en.ftl");
pub const ZH_HELP_FTL: &str = include_str!("../locales/help/zh-CN.ftl");

static CURRENT: AtomicU8 = AtomicU8::new(0);

impl Lang {
    /// A language named by a locale or a tag: `zh_CN.UTF-8`, `zh-CN`, `zh`, `en_US`, `en`.
    /// `C`, `POSIX` and anything else name no preference.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let lower = tag.trim().to_ascii_lowercase().replace('_', "-");
        if lower == "zh" || lower.starts_with("zh-cn") || lower.starts_with("zh-hans") {
            Some(Lang::ZhCn)
        } else if lower == "en" || lower.starts_with("en-") || lower.starts_with("en.") {
            Some(Lang::En)
        } else {
            None
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }
}

/// Speak `lang` from now on.
pub fn set(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

pub fn current() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::ZhCn,
        _ => Lang::En,
    }
}

/// The language the environment asks for: `LC_ALL`, else `LC_MESSAGES`, else `LANG`, the
/// first that is set and not empty (as POSIX orders them); `None` when it names none we
/// speak (`C`, `POSIX`).
pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Option<Lang> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()))
        .and_then(|v| Lang::from_tag(&v))
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static EN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static ZH: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    let (cell, texts) = match lang {
        Lang::En => (&EN, [EN_FTL, EN_HELP_FTL]),
        Lang::ZhCn => (&ZH, [ZH_FTL, ZH_HELP_FTL]),
    };
    cell.get_or_init(|| {
        let id = lang.tag().parse().expect("a valid language tag");
        let mut b = FluentBundle::new_concurrent(vec![id]);
        // Arguments are shown as given: no bidi isolation marks around them.
        b.set_use_isolating(false);
        for text in texts {
            let resource = FluentResource::try_new(text.to_string())
                .unwrap_or_else(|(_, errors)| panic!("{} catalogue: {errors:?}", lang.tag()));
            b.add_resource(resource)
                .unwrap_or_else(|errors| panic!("{} catalogue: {errors:?}", lang.tag()));
        }
        b
    })
}

/// Message `id` in `lang`, with its named arguments. A message missing from a language
/// falls back to English, and one missing from English shows its id; tests keep both
/// catalogues complete, and debug builds refuse a message with a missing argument.
pub fn message_in(lang: Lang, id: &str, args: &[(&str, String)]) -> String {
    let found = bundle(lang)
        .get_message(id)
        .and_then(|m| m.value())
        .map(|p| (lang, p))
        .or_else(|| {
            bundle(Lang::En)
                .get_message(id)
                .and_then(|m| m.value())
                .map(|p| (Lang::En, p))
        });
    let Some((used, pattern)) = found else {
        debug_assert!(false, "no message `{id}` in the catalogue");
        return id.to_string();
    };
    let mut fluent_args = FluentArgs::new();
    for (k, v) in args {
        fluent_args.set(*k, worded(used, k, v));
    }
    let mut errors = Vec::new();
    let text = bundle(used).format_pattern(pattern, Some(&fluent_args), &mut errors);
    debug_assert!(errors.is_empty(), "message `{id}`: {errors:?}");
    text.into_owned()
}

/// Message `id` as `lang` has it, without arguments; `None` when `lang` has no such
/// message (help looked up by a computed id).
pub fn lookup_in(lang: Lang, id: &str) -> Option<String> {
    let pattern = bundle(lang).get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle(lang).format_pattern(pattern, None, &mut errors);
    Some(text.into_owned())
}

/// Titles of the store's roles, kinds, fields and values in this run's language, by key
/// (`role:business-staff`, `kind:customer`, `value:category:residential`, `field`).
static TITLES: OnceLock<std::collections::BTreeMap<String, String>> = OnceLock::new();

/// Remember the store's titles once its policy is read: messages name roles and kinds by
/// them, so no English name stands inside a Chinese sentence.
pub fn remember_titles(titles: std::collections::BTreeMap<String, String>) {
    let _ = TITLES.set(titles);
}

/// The remembered title under `key`.
pub fn title(key: &str) -> Option<String> {
    TITLES.get().and_then(|t| t.get(key).cloned())
}

/// An argument as a sentence in `lang` says it: a role, kind, status or field by its title
/// in Chinese (`role`, `role2`, `kind`, `status`, `field` …), anything else as given.
fn worded(lang: Lang, name: &str, value: &str) -> String {
    if lang == Lang::En {
        return value.to_string();
    }
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let found = match stem {
        "role" | "kind" => title(&format!("{stem}:{value}")),
        "status" => lookup_in(lang, &format!("status-{value}")),
        // A field by its title, with the name to type after it: `是否要求工期（schedule_required）`.
        "field" => title(value).map(|t| format!("{t}（{value}）")),
        _ => None,
    };
    found.unwrap_or_else(|| value.to_string())
}

/// A personal-data class as people call it in the language of this run (`identity` is
/// 身份信息 in Chinese); a class the catalogue does not know keeps its name.
pub fn class_title(class: &str) -> String {
    lookup_in(current(), &format!("class-{class}")).unwrap_or_else(|| class.to_string())
}

/// Message `id` in the language of this run.
pub fn message(id: &str, args: &[(&str, String)]) -> String {
    message_in(current(), id, args)
}

/// `t!("message-id", name = value, …)`: the message in the language of this run.
#[macro_export]
macro_rules! t {
    ($id:literal $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::i18n::message($id, &[$((stringify!($k), ($v).to_string())),*])
    };
}
