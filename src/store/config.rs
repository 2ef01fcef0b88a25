//! `docket.toml`: the store's identity and the policy settings that are numbers, not rules.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub store: StoreInfo,
    #[serde(default)]
    pub policy: PolicySettings,
    /// The departments and offices actors belong to (R-B2); an actor in none belongs to
    /// the centre.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub departments: BTreeMap<String, Department>,
    /// How docket speaks to everyone using this store.
    #[serde(default, skip_serializing_if = "UiSettings::is_default")]
    pub ui: UiSettings,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct UiSettings {
    /// The language of messages, help and tables when the user's locale names none
    /// docket speaks: `en` or `zh-CN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl UiSettings {
    fn is_default(&self) -> bool {
        self == &UiSettings::default()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreInfo {
    pub id: String,
    pub name: String,
    pub site_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PolicySettings {
    /// Training older than this many days blocks every act (R-A8): yearly by default.
    pub training_valid_days: i64,
    /// Completed or terminated contracts should be archived within this many days (R-C15).
    pub archive_within_days: i64,
    /// How long a second writer waits for the store lock before giving up (exit 6).
    pub lock_timeout_seconds: u64,
    /// Encoding assumed for imported files that are not valid UTF-8.
    pub default_encoding: String,
    /// The store's time zone (IANA name): every date docket derives is taken in it.
    pub timezone: String,
    /// The most characters a reason, comment, note or purpose may hold.
    pub max_text_chars: usize,
    /// A change proposed by one administrator can be co-signed by a second within this
    /// many days; after that it must be proposed again.
    pub proposal_valid_days: i64,
    /// How far, in seconds, an entry may be dated ahead of the clock of the machine that
    /// appends after it before it is named as dated ahead.
    pub clock_skew_seconds: i64,
    /// How many identity numbers an actor may check against the store in a day (`exists`,
    /// duplicate checks that refuse, dry-run imports): each answer is a counted probe.
    pub probe_allowance: u64,
    /// A contract is entered within this many days of its signing date: a `signed_on`
    /// earlier than that is refused (a backdated contract would pick an older tariff).
    pub signed_within_days: i64,
    /// Words that stand in for a value without being one (无, 待定, N/A, …): they do not
    /// satisfy a required field, and are not a reason, comment or purpose. Compared
    /// ignoring case, full or half width, blanks and punctuation.
    pub placeholders: Vec<String>,
    /// The most characters one field value may hold.
    pub max_value_chars: usize,
    /// The largest record file (`--file`) or import map docket reads.
    pub max_file_bytes: u64,
    /// The largest file `import` reads, and the longest line in it.
    pub max_import_bytes: u64,
    pub max_line_bytes: u64,
    /// The largest paper `archive --attach` copies into the store.
    pub max_paper_bytes: u64,
}

/// The placeholders a new store refuses, until its policy says otherwise.
pub const DEFAULT_PLACEHOLDERS: &[&str] = &[
    "无",
    "暂无",
    "没有",
    "不详",
    "未知",
    "待定",
    "待补充",
    "待填",
    "待查",
    "见附件",
    "详见附件",
    "略",
    "空",
    "同上",
    "不适用",
    "N/A",
    "NA",
    "none",
    "null",
    "nil",
    "TBD",
    "TBA",
    "unknown",
    "xxx",
];

impl PolicySettings {
    /// The limit on a record file or an import map.
    pub fn file_limit(&self) -> crate::io::bounded::Limit {
        crate::io::bounded::Limit {
            bytes: self.max_file_bytes,
            setting: "max_file_bytes",
            line_bytes: None,
        }
    }

    /// The limits on an import file and its lines.
    pub fn import_limit(&self) -> crate::io::bounded::Limit {
        crate::io::bounded::Limit {
            bytes: self.max_import_bytes,
            setting: "max_import_bytes",
            line_bytes: Some(self.max_line_bytes),
        }
    }

    /// The limit on an archived paper.
    pub fn paper_limit(&self) -> crate::io::bounded::Limit {
        crate::io::bounded::Limit {
            bytes: self.max_paper_bytes,
            setting: "max_paper_bytes",
            line_bytes: None,
        }
    }

    /// Whether `text` is one of the policy's placeholders.
    pub fn is_placeholder(&self, text: &str) -> bool {
        crate::text::is_placeholder(text, &self.placeholders)
    }
}

impl Default for PolicySettings {
    fn default() -> Self {
        PolicySettings {
            training_valid_days: 365,
            archive_within_days: 30,
            lock_timeout_seconds: 10,
            default_encoding: "gb18030".into(),
            timezone: crate::clock::DEFAULT_ZONE.into(),
            max_text_chars: 500,
            proposal_valid_days: 30,
            clock_skew_seconds: 300,
            probe_allowance: 50,
            signed_within_days: 90,
            placeholders: DEFAULT_PLACEHOLDERS.iter().map(|p| p.to_string()).collect(),
            max_value_chars: 2000,
            max_file_bytes: 1 << 20,
            max_import_bytes: 1 << 30,
            max_line_bytes: 64 << 10,
            max_paper_bytes: 100 << 20,
        }
    }
}
