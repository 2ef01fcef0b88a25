//! A record kind as declared by one schema file: its fields, rules, fee checks and
//! approval steps, compiled and checked against each other when loaded.

use super::expr::{Expr, RECORD_VARIABLES};
use super::formats::Format;
use super::value::FieldType;
use crate::error::{InputError, Location};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// Active from creation (customer accounts).
    Register,
    /// pending → active → completed | terminated → archived.
    Contract,
}

/// How a PII field is masked when shown without a permitted purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskStyle {
    Phone,
    Id,
    Name,
    Address,
    Full,
}

impl MaskStyle {
    fn parse(name: &str) -> Option<MaskStyle> {
        Some(match name {
            "phone" => MaskStyle::Phone,
            "id" => MaskStyle::Id,
            "name" => MaskStyle::Name,
            "address" => MaskStyle::Address,
            "full" => MaskStyle::Full,
            _ => return None,
        })
    }
}

#[derive(Debug)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
    pub required: bool,
    pub required_when: Option<Expr>,
    /// The seed rule that makes this field required, quoted in messages.
    pub rule: Option<String>,
    /// PII class (`contact`, `identity`, …); `None` for non-personal data.
    pub pii: Option<String>,
    pub mask: MaskStyle,
    /// Why the field is collected (R-A1), per language.
    pub purpose: super::title::Title,
    pub min: Option<Bound>,
    pub max: Option<Bound>,
    /// The most characters a string holds, or items a list holds.
    pub max_length: usize,
    pub format: Option<Format>,
    pub conditional_formats: Vec<ConditionalFormat>,
    /// How a typed value is normalised before it is checked, compared and stored.
    pub normalize: Option<Normalize>,
    /// A date entered at most a `[policy]` number of days after it (`within =
    /// "signed_within_days"`): checked when the value is entered or changed.
    pub within: Option<Window>,
    /// No two records of the kind hold the same value (one customer, one record).
    pub unique: bool,
    /// What people call the field, per language (tables show it as the column's header).
    pub title: super::title::Title,
    /// What people call each value of an enum field, per language; typed input may use
    /// any of them.
    pub value_titles: BTreeMap<String, super::title::Title>,
}

/// A format a field must have when a condition holds (`formats = [{ when, format }]`),
/// with what to do when it does not (`hint`, per language).
#[derive(Debug)]
pub struct ConditionalFormat {
    pub when: Expr,
    pub format: Format,
    pub hint: Option<super::title::Title>,
}

/// How typed values of a field are normalised (`normalize = "identifier"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalize {
    /// Identity numbers and codes: full width to ASCII, blanks and hyphens dropped,
    /// letters upper case (`110105-19491231-002x` is `11010519491231002X`).
    Identifier,
}

/// How long after a date it may be entered: a `[policy]` setting of docket.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// `policy.signed_within_days`: a contract is entered soon after it is signed.
    SignedWithinDays,
}

impl Window {
    /// The setting's name, as docket.toml spells it.
    pub fn setting(self) -> &'static str {
        match self {
            Window::SignedWithinDays => "signed_within_days",
        }
    }

    /// Its number of days in `policy`.
    pub fn days(self, policy: &crate::store::config::PolicySettings) -> i64 {
        match self {
            Window::SignedWithinDays => policy.signed_within_days,
        }
    }
}

/// A limit on a number, an amount or a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// For integers and money, compared exactly.
    Number(rust_decimal::Decimal),
    Date(NaiveDate),
    /// For dates: the day the value is checked, in the store's zone.
    Today,
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bound::Number(d) => write!(f, "{d}"),
            Bound::Date(d) => write!(f, "{d}"),
            Bound::Today => write!(f, "today"),
        }
    }
}

/// The most characters of a string field and items of a list field, unless the schema
/// says otherwise.
pub const DEFAULT_MAX_CHARS: usize = 200;
pub const DEFAULT_MAX_ITEMS: usize = 100;

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub check: Expr,
    /// What the rule says when broken, per language.
    pub message: super::title::Title,
    pub warning: bool,
}

/// A fee that must equal a tariff (times a quantity field) or another money field (R-C11).
#[derive(Debug)]
pub struct FeeCheck {
    pub rule: String,
    pub field: String,
    pub when: Option<Expr>,
    pub tariff: Option<String>,
    pub per: Option<String>,
    pub equals: Option<String>,
    /// The date field that picks the tariff amount in force (default: today).
    pub on: Option<String>,
}

#[derive(Debug)]
pub struct Step {
    pub role: String,
    pub when: Option<Expr>,
    pub rule: String,
}

#[derive(Debug)]
pub struct Kind {
    pub name: String,
    pub title: super::title::Title,
    pub prefix: String,
    pub lifecycle: Lifecycle,
    pub effective: Option<NaiveDate>,
    pub list_fields: Vec<String>,
    /// Roles that may draft this kind, beyond the roles file's `create` lists (R-C6 narrows
    /// take-or-pay to the operations VP this way).
    pub create_roles: Option<Vec<String>>,
    pub fields: Vec<Field>,
    pub rules: Vec<Rule>,
    pub fees: Vec<FeeCheck>,
    pub steps: Vec<Step>,
    pub file: String,
    /// The names its expressions read, for binding only those.
    pub read: std::collections::BTreeSet<String>,
}

impl Kind {
    /// Whether any of the kind's expressions (rules, conditions, formats, fees, steps)
    /// reads `name`: a reference nobody reads need not be loaded.
    pub fn expressions_read(&self, name: &str) -> bool {
        self.read.contains(name)
    }
}

/// Every name a kind's expressions (rules, conditions, formats, fees, steps) read.
fn names_read(
    fields: &[Field],
    rules: &[Rule],
    fees: &[FeeCheck],
    steps: &[Step],
) -> std::collections::BTreeSet<String> {
    let conditions = fields.iter().flat_map(|f| {
        f.required_when
            .iter()
            .chain(f.conditional_formats.iter().map(|c| &c.when))
    });
    let rules = rules.iter().map(|r| &r.check);
    let fees = fees.iter().filter_map(|f| f.when.as_ref());
    let steps = steps.iter().filter_map(|s| s.when.as_ref());
    conditions
        .chain(rules)
        .chain(fees)
        .chain(steps)
        .flat_map(|e| e.variables().iter().cloned())
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    kind: String,
    title: super::title::Title,
    prefix: String,
    lifecycle: String,
    effective: Option<toml::value::Datetime>,
    #[serde(default)]
    list_fields: Vec<String>,
    create_roles: Option<Vec<String>>,
    fields: toml::Table,
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    fees: Vec<RawFee>,
    #[serde(default)]
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    required: bool,
    required_when: Option<String>,
    rule: Option<String>,
    pii: Option<String>,
    mask: Option<String>,
    purpose: Option<super::title::Title>,
    #[serde(default)]
    values: Vec<String>,
    item: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    min: Option<toml::Value>,
    max: Option<toml::Value>,
    max_length: Option<usize>,
    scale: Option<u32>,
    format: Option<String>,
    #[serde(default)]
    formats: Vec<RawFormat>,
    normalize: Option<String>,
    within: Option<String>,
    #[serde(default)]
    unique: bool,
    title: Option<super::title::Title>,
    /// `value_titles.zh-CN = { residential = "居民", … }`: per language, value → title.
    value_titles: Option<BTreeMap<String, BTreeMap<String, String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFormat {
    when: String,
    format: String,
    hint: Option<super::title::Title>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    check: String,
    message: super::title::Title,
    level: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFee {
    rule: String,
    field: String,
    when: Option<String>,
    tariff: Option<String>,
    per: Option<String>,
    equals: Option<String>,
    on: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    role: String,
    when: Option<String>,
    rule: String,
}

/// The 1-based line where `needle` first appears in `text`.
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// The 1-based line of a byte offset.
pub fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

struct Loader<'a> {
    file: &'a str,
    text: &'a str,
}

impl Loader<'_> {
    fn err(&self, needle: &str, field: Option<&str>, message: String) -> InputError {
        let mut at = Location::file(self.file).line(line_of(self.text, needle));
        if let Some(f) = field {
            at = at.field(f);
        }
        InputError::new(at, message).hint(t!("kind-correct-schema-file-store"))
    }

    fn expr(
        &self,
        source: &str,
        field: Option<&str>,
        allowed: &BTreeSet<String>,
    ) -> Result<Expr, InputError> {
        let e = Expr::compile(source)
            .map_err(|m| self.err(source, field, format!("expression `{source}`: {m}")))?;
        if let Some(unknown) = e.variables().iter().find(|v| !allowed.contains(v.as_str())) {
            return Err(self.err(
                source,
                field,
                t!(
                    "kind-expression-names-which-not",
                    source = source,
                    unknown = unknown,
                    iter = allowed
                        .iter()
                        .filter(|a| !RECORD_VARIABLES.contains(&a.as_str()))
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        Ok(e)
    }
}

fn is_kind_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 40
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

fn is_field_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

/// Parse and check one kind file. `file` is the path shown in messages.
pub fn load_kind(file: &str, text: &str) -> Result<Kind, InputError> {
    let l = Loader { file, text };
    let raw: RawKind = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_at(text, s.start));
        InputError::new(
            Location::file(file).line(line),
            e.message().trim().to_string(),
        )
        .hint(t!("kind-fix-toml-schema-file"))
    })?;
    let expected = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if !is_kind_name(&raw.kind) || raw.kind != expected {
        return Err(l.err(
            "kind",
            None,
            t!(
                "kind-kind-must-lowercase-letters",
                kind = raw.kind,
                expected = expected
            ),
        ));
    }
    if raw.prefix.is_empty() || !raw.prefix.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(l.err(
            "prefix",
            None,
            t!("kind-prefix-must-capital-letters", prefix = raw.prefix),
        ));
    }
    let lifecycle = match raw.lifecycle.as_str() {
        "register" => Lifecycle::Register,
        "contract" => Lifecycle::Contract,
        other => {
            return Err(l.err(
                "lifecycle",
                None,
                t!("kind-lifecycle-not-register-contract", other = other),
            ));
        }
    };
    let effective = match raw.effective {
        None => None,
        Some(dt) => match dt.date {
            Some(d) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()),
            None => None,
        },
    };

    // Every name an expression may read: the fields plus the record's own id/status/version.
    let mut allowed: BTreeSet<String> = raw.fields.keys().cloned().collect();
    allowed.extend(RECORD_VARIABLES.iter().map(|s| s.to_string()));

    let mut fields = Vec::new();
    for (name, value) in &raw.fields {
        let header = format!("[fields.{name}]");
        if !is_field_name(name) || RECORD_VARIABLES.contains(&name.as_str()) {
            return Err(l.err(&header, Some(name), t!("kind-field-names-lowercase-snake")));
        }
        let rf: RawField = value.clone().try_into().map_err(|e: toml::de::Error| {
            l.err(&header, Some(name), e.message().trim().to_string())
        })?;
        let ty = field_type(&rf.ty, &rf, &l, &header, name)?;
        let min = bound(rf.min.as_ref(), &ty, &l, &header, name)?;
        let max = bound(rf.max.as_ref(), &ty, &l, &header, name)?;
        let within = match rf.within.as_deref() {
            None => None,
            Some("signed_within_days") if ty == FieldType::Date => Some(Window::SignedWithinDays),
            Some(other) => {
                return Err(l.err(
                    &header,
                    Some(name),
                    t!("kind-within-unknown", other = other),
                ));
            }
        };
        let max_length = rf.max_length.unwrap_or(match ty {
            FieldType::List(_) => DEFAULT_MAX_ITEMS,
            _ => DEFAULT_MAX_CHARS,
        });
        let purpose = rf
            .purpose
            .clone()
            .filter(|p| !p.texts().is_empty() && p.texts().iter().all(|t| !t.trim().is_empty()))
            .ok_or_else(|| l.err(&header, Some(name), t!("kind-every-field-declares-purpose")))?;
        let mask = match &rf.mask {
            None => MaskStyle::Full,
            Some(m) => MaskStyle::parse(m)
                .ok_or_else(|| l.err(&header, Some(name), t!("kind-mask-not-phone-id", m = m)))?,
        };
        if rf.mask.is_some() && rf.pii.is_none() {
            return Err(l.err(&header, Some(name), t!("kind-mask-only-applies-field")));
        }
        let format =
            match &rf.format {
                None => None,
                Some(f) => Some(Format::parse(f).ok_or_else(|| {
                    l.err(&header, Some(name), t!("kind-format-not-gb-gb", f = f))
                })?),
            };
        let mut conditional_formats = Vec::new();
        for cf in &rf.formats {
            let fmt = Format::parse(&cf.format).ok_or_else(|| {
                l.err(
                    &cf.format,
                    Some(name),
                    t!("kind-format-not-gb-gb-2", format = cf.format),
                )
            })?;
            if let Some(tag) = cf.hint.iter().flat_map(|h| h.unknown_languages()).next() {
                return Err(l.err(&cf.format, Some(name), t!("kind-title-language", tag = tag)));
            }
            conditional_formats.push(ConditionalFormat {
                when: l.expr(&cf.when, Some(name), &allowed)?,
                format: fmt,
                hint: cf.hint.clone(),
            });
        }
        let normalize = match rf.normalize.as_deref() {
            None => None,
            Some("identifier") => Some(Normalize::Identifier),
            Some(other) => {
                return Err(l.err(
                    &header,
                    Some(name),
                    t!("kind-normalize-unknown", other = other),
                ));
            }
        };
        if normalize.is_some() && ty != FieldType::String {
            return Err(l.err(&header, Some(name), t!("kind-normalize-strings-only")));
        }
        let required_when = match &rf.required_when {
            None => None,
            Some(src) => Some(l.expr(src, Some(name), &allowed)?),
        };
        if rf.unique && ty != FieldType::String {
            return Err(l.err(&header, Some(name), t!("kind-only-string-field-can")));
        }
        let title = rf.title.clone().unwrap_or_default();
        let value_titles = value_titles(&rf, &ty, &l, &header, name)?;
        if let Some(tag) = title.unknown_languages().first() {
            return Err(l.err(&header, Some(name), t!("kind-title-language", tag = tag)));
        }
        fields.push(Field {
            name: name.clone(),
            ty,
            required: rf.required,
            required_when,
            rule: rf.rule,
            pii: rf.pii,
            mask,
            purpose,
            min,
            max,
            max_length,
            format,
            conditional_formats,
            normalize,
            within,
            unique: rf.unique,
            title,
            value_titles,
        });
    }

    let field_named = |n: &str| fields.iter().find(|f| f.name == n);
    for lf in &raw.list_fields {
        if field_named(lf).is_none() {
            return Err(l.err(
                "list_fields",
                None,
                t!("kind-list-fields-names-which", lf = lf),
            ));
        }
    }
    let mut rules = Vec::new();
    for r in raw.rules {
        let warning = match r.level.as_deref() {
            None | Some("error") => false,
            Some("warning") => true,
            Some(other) => {
                return Err(l.err(
                    &r.check,
                    None,
                    t!("kind-rule-level-not-error", other = other),
                ));
            }
        };
        rules.push(Rule {
            check: l.expr(&r.check, None, &allowed)?,
            id: r.id,
            message: r.message,
            warning,
        });
    }
    let mut fees = Vec::new();
    for f in raw.fees {
        let money =
            |n: &str| matches!(field_named(n).map(|f| &f.ty), Some(FieldType::Money { .. }));
        if !money(&f.field) {
            return Err(l.err(
                &f.field,
                None,
                t!("kind-fee-check-names-which", field = f.field),
            ));
        }
        if f.tariff.is_some() == f.equals.is_some() {
            return Err(l.err(&f.field, None, t!("kind-fee-check-takes-exactly")));
        }
        if let Some(e) = &f.equals
            && !money(e)
        {
            return Err(l.err(e, None, t!("kind-fee-check-compares-which", e = e)));
        }
        if let Some(p) = &f.per
            && !matches!(field_named(p).map(|f| &f.ty), Some(FieldType::Integer))
        {
            return Err(l.err(p, None, t!("kind-fee-check-multiplies-which", p = p)));
        }
        if let Some(d) = &f.on
            && !matches!(field_named(d).map(|f| &f.ty), Some(FieldType::Date))
        {
            return Err(l.err(d, None, t!("kind-fee-check-prices-which", d = d)));
        }
        let when = match &f.when {
            None => None,
            Some(src) => Some(l.expr(src, None, &allowed)?),
        };
        fees.push(FeeCheck {
            rule: f.rule,
            field: f.field,
            when,
            tariff: f.tariff,
            per: f.per,
            equals: f.equals,
            on: f.on,
        });
    }
    let mut steps = Vec::new();
    for s in raw.steps {
        let when = match &s.when {
            None => None,
            Some(src) => Some(l.expr(src, None, &allowed)?),
        };
        steps.push(Step {
            role: s.role,
            when,
            rule: s.rule,
        });
    }
    let read = names_read(&fields, &rules, &fees, &steps);
    Ok(Kind {
        read,
        name: raw.kind,
        title: raw.title,
        prefix: raw.prefix,
        lifecycle,
        effective,
        list_fields: raw.list_fields,
        create_roles: raw.create_roles,
        fields,
        rules,
        fees,
        steps,
        file: file.to_string(),
    })
}

/// A field's `min` or `max`: an integer or decimal string for numbers and money, a date or
/// `"today"` for dates.
fn bound(
    raw: Option<&toml::Value>,
    ty: &FieldType,
    l: &Loader,
    header: &str,
    name: &str,
) -> Result<Option<Bound>, InputError> {
    let Some(raw) = raw else { return Ok(None) };
    let wrong = |what: &str| {
        l.err(
            header,
            Some(name),
            t!("kind-min-max-field", ty = ty, what = what),
        )
    };
    let b =
        match (ty, raw) {
            (FieldType::Integer, toml::Value::Integer(i)) => Bound::Number((*i).into()),
            (FieldType::Integer, _) => return Err(wrong(&t!("kind-whole-numbers"))),
            (FieldType::Money { scale }, toml::Value::String(s)) => Bound::Number(
                super::value::parse_money(s, *scale).map_err(|m| l.err(header, Some(name), m))?,
            ),
            (FieldType::Money { .. }, toml::Value::Integer(i)) => Bound::Number((*i).into()),
            (FieldType::Money { .. }, _) => return Err(wrong("amounts, e.g. \"0.01\"")),
            (FieldType::Date, toml::Value::String(s)) if s == "today" => Bound::Today,
            (FieldType::Date, toml::Value::Datetime(dt)) => match dt.date {
                Some(d) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                    .map(Bound::Date)
                    .ok_or_else(|| wrong(&t!("kind-calendar-dates-today")))?,
                None => return Err(wrong(&t!("kind-calendar-dates-today"))),
            },
            // A TOML date, as it reaches here from the field's table, or a quoted one.
            (FieldType::Date, toml::Value::String(s)) => super::value::parse_date(s)
                .map(Bound::Date)
                .map_err(|_| wrong(&t!("kind-calendar-dates-today")))?,
            (FieldType::Date, _) => return Err(wrong(&t!("kind-calendar-dates-today"))),
            _ => {
                return Err(l.err(header, Some(name), t!("kind-field-takes-no-min", ty = ty)));
            }
        };
    Ok(Some(b))
}

fn field_type(
    ty: &str,
    rf: &RawField,
    l: &Loader,
    header: &str,
    name: &str,
) -> Result<FieldType, InputError> {
    Ok(match ty {
        "string" => FieldType::String,
        "integer" => FieldType::Integer,
        "money" => FieldType::Money {
            scale: rf.scale.unwrap_or(2),
        },
        "date" => FieldType::Date,
        "bool" => FieldType::Bool,
        "enum" => {
            if rf.values.is_empty() {
                return Err(l.err(header, Some(name), t!("kind-enum-field-lists-values")));
            }
            FieldType::Enum(rf.values.clone())
        }
        "ref" => match &rf.reference {
            Some(k) => FieldType::Ref(k.clone()),
            None => {
                return Err(l.err(header, Some(name), t!("kind-ref-field-names-kind")));
            }
        },
        "list" => {
            let item = rf.item.as_deref().unwrap_or("string");
            if item == "list" {
                return Err(l.err(header, Some(name), t!("kind-lists-lists-not-supported")));
            }
            FieldType::List(Box::new(field_type(item, rf, l, header, name)?))
        }
        other => {
            return Err(l.err(
                header,
                Some(name),
                t!("kind-type-not-one-string", other = other),
            ));
        }
    })
}

impl Field {
    /// Whether a value typed for this field is read with full-width digits and letters
    /// narrowed: everything but free text (names, addresses) keeps what was typed.
    pub fn narrows(&self) -> bool {
        !matches!(self.ty, FieldType::String)
            || self.format.is_some()
            || !self.conditional_formats.is_empty()
            || self.normalize.is_some()
    }

    /// A typed value read as this field's: an enum value that is none of its values is
    /// told with each value and its title in the reader's language (`residential（居民）`).
    pub fn parse_typed(&self, text: &str) -> Result<super::value::Value, String> {
        let typed = self.typed(text);
        self.ty.parse_text(&typed).map_err(|m| match &self.ty {
            FieldType::Enum(values) => {
                let lang = crate::i18n::current();
                let shown: Vec<String> = values
                    .iter()
                    .map(
                        |v| match self.value_titles.get(v).and_then(|t| t.get(lang)) {
                            Some(title) if lang != crate::i18n::Lang::En => {
                                format!("{v}（{title}）")
                            }
                            _ => v.clone(),
                        },
                    )
                    .collect();
                t!("value-not-one", t = typed.trim(), join = shown.join(", "))
            }
            _ => m,
        })
    }

    /// Whether the field may hold a resident id or a credit code (its format, or one its
    /// conditions call for): typed letters are read in upper case, as the standards write
    /// them.
    fn reads_upper_case(&self) -> bool {
        self.format
            .into_iter()
            .chain(self.conditional_formats.iter().map(|c| c.format))
            .any(Format::reads_upper_case)
    }

    /// A typed value as the field reads it: full-width digits narrowed, an enum value
    /// given by its title in any language replaced by the value itself, an identifier
    /// compacted (`normalize = "identifier"`), a resident id's or a credit code's letters
    /// in upper case.
    pub fn typed<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let titled = self
            .value_titles
            .iter()
            .find(|(_, title)| title.texts().iter().any(|t| *t == text.trim()));
        if let Some((value, _)) = titled {
            std::borrow::Cow::Owned(value.clone())
        } else if self.normalize == Some(Normalize::Identifier) {
            std::borrow::Cow::Owned(crate::text::compact_identifier(text))
        } else if self.reads_upper_case() {
            std::borrow::Cow::Owned(crate::text::narrow(text).to_ascii_uppercase())
        } else if self.narrows() {
            crate::text::narrow(text)
        } else {
            std::borrow::Cow::Borrowed(text)
        }
    }
}

/// An enum field's value titles, per value; each names a value the field has, in a
/// language docket speaks.
fn value_titles(
    rf: &RawField,
    ty: &FieldType,
    l: &Loader,
    header: &str,
    name: &str,
) -> Result<BTreeMap<String, super::title::Title>, InputError> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let values = match ty {
        FieldType::Enum(values) => values.as_slice(),
        _ => &[],
    };
    for (tag, titles) in rf.value_titles.iter().flatten() {
        if crate::i18n::Lang::from_tag(tag).is_none_or(|lang| lang.tag() != tag) {
            return Err(l.err(header, Some(name), t!("kind-title-language", tag = tag)));
        }
        for (value, title) in titles {
            if !values.contains(value) {
                return Err(l.err(
                    header,
                    Some(name),
                    t!("kind-value-title-no-value", value = value),
                ));
            }
            // A title stands for one value only: typed input is read through it.
            let taken = values.iter().any(|v| v == title && v != value)
                || out
                    .iter()
                    .any(|(other, titles)| other != value && titles.values().any(|t| t == title));
            if taken {
                return Err(l.err(
                    header,
                    Some(name),
                    t!("kind-value-title-taken", title = title, value = value),
                ));
            }
            out.entry(value.clone())
                .or_default()
                .insert(tag.clone(), title.clone());
        }
    }
    Ok(out
        .into_iter()
        .map(|(v, t)| (v, super::title::Title::ByLanguage(t)))
        .collect())
}

impl Kind {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Ref fields: (field, referenced kind).
    pub fn refs(&self) -> impl Iterator<Item = (&Field, &str)> {
        self.fields.iter().filter_map(|f| match &f.ty {
            FieldType::Ref(k) => Some((f, k.as_str())),
            _ => None,
        })
    }

    /// The role (if any) that alone may draft this kind.
    pub fn is_contract(&self) -> bool {
        self.lifecycle == Lifecycle::Contract
    }
}
