//! One customer, one record: a unique field's value (an identity number) belongs to one
//! record of its kind. Duplicates are found through the rows cache's keyed digests, so
//! the check never reads out, prints or caches anyone's number.

use super::input::Origin;
use crate::cache::rows::Rows;
use crate::error::{Error, InputError, Location, Result};
use crate::journal::Transaction;
use crate::schema::kind::Kind;
use crate::schema::value::Value;
use crate::session::{Session, Writer};
use std::collections::{BTreeMap, HashMap};

/// Who already holds a value: a record, or an earlier row of the same import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    Record(String),
    /// A record filed under a department the asker does not reach: never named to them.
    Elsewhere,
    Line(usize),
}

/// Who holds the unique values of one kind's records: found by digest in the rows, plus
/// what earlier rows of an import claimed.
pub struct Holders<'s> {
    session: &'s Session,
    rows: Rows,
    kind: String,
    /// The import line first claiming each digest (by its first 128 bits, 20 bytes a
    /// claim: a million rows' in tens of megabytes).
    claimed: HashMap<[u8; 16], u32>,
    /// Later lines claiming a value already claimed (where duplicates are allowed).
    also: HashMap<[u8; 16], Vec<u32>>,
}

/// The first 128 bits of a (hex) digest.
fn key(digest: &str) -> [u8; 16] {
    digest
        .get(..32)
        .and_then(|d| u128::from_str_radix(d, 16).ok())
        .unwrap_or_default()
        .to_le_bytes()
}

/// How many identity numbers the acting actor may still have checked today
/// (`policy.probe_allowance`), and how many they checked.
pub fn allowance_left(session: &Session) -> Result<(u64, u64)> {
    let actor = session.actor()?;
    let day = session.today().to_string();
    let used = session.registry().probes_on(&actor.name, &day);
    let allowance = session.store().config.policy.probe_allowance;
    Ok((allowance.saturating_sub(used), allowance))
}

/// Log that the acting actor had `count` identity numbers checked against the store by
/// `command` (`answered`: and was told which are held). Never the numbers.
pub fn log_probe(
    w: &mut Writer,
    kind: &Kind,
    command: &str,
    count: u64,
    answered: bool,
) -> Result<()> {
    let field = unique_fields(kind).next().unwrap_or_default().to_string();
    let act = crate::audit::act::Act::Probe {
        kind: kind.name.clone(),
        field,
        command: command.to_string(),
        count,
        answered,
    };
    let mut txn = Transaction::begin(w);
    txn.act(&act, Vec::new());
    txn.commit()
}

impl<'s> Holders<'s> {
    /// The holders of `kind`'s unique values, with every row current.
    pub fn of(session: &'s Session, kind: &Kind) -> Result<Holders<'s>> {
        Ok(Holders {
            session,
            rows: session.rows()?,
            kind: kind.name.clone(),
            claimed: HashMap::new(),
            also: HashMap::new(),
        })
    }

    /// Make room for the claims of `rows` rows at once.
    pub fn expect(&mut self, rows: usize) {
        self.claimed.reserve(rows);
    }

    /// The unique fields of `fields` someone else already holds, with who holds them.
    pub fn taken(
        &self,
        kind: &Kind,
        fields: &BTreeMap<String, Value>,
        except: Option<&str>,
    ) -> Vec<(String, Holder)> {
        let mut out = Vec::new();
        for field in unique_fields(kind) {
            let Some(Value::Str(s)) = fields.get(field) else {
                continue;
            };
            let other = self
                .holding(field, s)
                .into_iter()
                .find(|h| !matches!(h, Holder::Record(id) if Some(id.as_str()) == except));
            if let Some(h) = other {
                out.push((field.to_string(), h));
            }
        }
        out
    }

    /// Everyone holding `value` in `field`: records whose current version holds it (named
    /// only when the asker reaches them), then earlier rows of an import.
    pub fn holding(&self, field: &str, value: &str) -> Vec<Holder> {
        let digest = self.rows.unique_digest(&self.kind, field, value);
        let reach = self.session.reach();
        let mut out: Vec<Holder> = self
            .rows
            .holding(&self.kind, field, &digest)
            .into_iter()
            .filter_map(|held| {
                let head = self.session.index().record(&held.id)?;
                held.is_of(&head).then(|| {
                    if reach.covers(head.department.as_deref()) {
                        Holder::Record(held.id)
                    } else {
                        Holder::Elsewhere
                    }
                })
            })
            .collect();
        let key = key(&digest);
        out.extend(self.claimed.get(&key).map(|l| Holder::Line(*l as usize)));
        let also = self.also.get(&key).into_iter().flatten();
        out.extend(also.map(|l| Holder::Line(*l as usize)));
        out
    }

    /// Note that the import's row at `line` now holds the unique values of `fields`.
    pub fn claim(&mut self, kind: &Kind, fields: &BTreeMap<String, Value>, line: usize) {
        for field in unique_fields(kind) {
            if let Some(Value::Str(s)) = fields.get(field) {
                // The digest covers the kind and the field as well as the value.
                let key = key(&self.rows.unique_digest(&self.kind, field, s));
                match self.claimed.entry(key) {
                    std::collections::hash_map::Entry::Occupied(_) => {
                        self.also.entry(key).or_default().push(line as u32);
                    }
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(line as u32);
                    }
                }
            }
        }
    }
}

/// What `exists` lists for a holder outside the asker's department, in place of its id.
pub const ELSEWHERE: &str = "-";

fn unique_fields(kind: &Kind) -> impl Iterator<Item = &str> {
    kind.fields
        .iter()
        .filter(|f| f.unique)
        .map(|f| f.name.as_str())
}

/// A duplicate named for what it is, at `at`.
pub fn duplicate_problem(kind: &Kind, at: Location, field: &str, holder: &Holder) -> InputError {
    // The location names the field; the message never repeats the value.
    let message = match holder {
        Holder::Record(id) => t!(
            "unique-value-already-belongs-one",
            name = kind.name,
            id = id,
            name2 = kind.name
        ),
        Holder::Elsewhere => t!("unique-value-held-elsewhere", name = kind.name),
        Holder::Line(line) => t!("unique-value-same-line-file", line = line),
    };
    let hint = match holder {
        Holder::Record(id) => t!(
            "unique-use-docket-show-if",
            id = id,
            id = id,
            name = kind.name
        ),
        Holder::Elsewhere => t!("unique-ask-centre"),
        Holder::Line(_) => t!("unique-keep-one-two-rows"),
    };
    InputError::new(at.field(field), message).hint(&hint)
}

/// Refuse a record whose unique values others hold (exit 6), unless the duplicate is
/// allowed; then say whose values it shares, for the audit entry. A refusal tells the
/// drafter that a number they typed is held: it is logged as a probe, and beyond the
/// day's allowance the refusal says no more than that the checks are spent.
pub fn check(
    w: &mut Writer,
    kind: &Kind,
    fields: &BTreeMap<String, Value>,
    origin: &Origin,
    except: Option<&str>,
    allowed: bool,
) -> Result<Vec<String>> {
    let taken = Holders::of(w, kind)?.taken(kind, fields, except);
    if allowed || taken.is_empty() {
        return Ok(taken
            .into_iter()
            .filter_map(|(_, h)| match h {
                Holder::Record(id) => Some(id),
                Holder::Elsewhere | Holder::Line(_) => None,
            })
            .collect());
    }
    let (left, allowance) = allowance_left(w)?;
    let count = taken.len() as u64;
    let answered = count <= left;
    log_probe(w, kind, "create", count, answered)?;
    if !answered {
        return Err(spent(allowance));
    }
    Err(Error::Duplicate(
        taken
            .iter()
            .map(|(f, h)| duplicate_problem(kind, origin.locate(f), f, h))
            .collect(),
    ))
}

/// The day's identity-number checks are spent (exit 4): nothing more is told today.
pub fn spent(allowance: u64) -> Error {
    Error::denied(
        t!("unique-allowance-spent", allowance = allowance),
        Some(t!("unique-allowance-hint").to_string()),
    )
}

/// `docket exists`: which records hold `value` in a unique field, told without showing
/// anyone's number. A signed `lookup` entry logs who asked and what was found (never the
/// value asked about).
pub fn lookup(w: &mut Writer, kind_name: &str, field: &str, value: &str) -> Result<Vec<String>> {
    let schemas = w.schemas().clone();
    let kind = schemas.kind(kind_name)?;
    let at = Location::file(format!("{field}=…")).field(field);
    let f = kind
        .field(field)
        .ok_or_else(|| super::input::unknown_field(kind, at.clone(), field))?;
    if !f.unique {
        let unique: Vec<&str> = unique_fields(kind).collect();
        return Err(InputError::new(
            at,
            t!(
                "unique-not-unique-field-only",
                field = field,
                name = kind.name
            ),
        )
        .hint(if unique.is_empty() {
            t!("unique-has-no-unique-field", name = kind.name)
        } else {
            t!(
                "unique-unique-fields",
                name = kind.name,
                join = unique.join(", ")
            )
        })
        .into());
    }
    may_look_up(w, kind, f)?;
    let (left, allowance) = allowance_left(w)?;
    if left == 0 {
        return Err(spent(allowance));
    }
    let holders = Holders::of(w, kind)?;
    let held = holders.holding(field, &f.typed(value));
    let elsewhere = held.iter().any(|h| matches!(h, Holder::Elsewhere));
    let mut ids: Vec<String> = held
        .iter()
        .filter_map(|h| match h {
            Holder::Record(id) => Some(id.clone()),
            Holder::Elsewhere | Holder::Line(_) => None,
        })
        .collect();
    drop(holders);
    if elsewhere {
        ids.push(ELSEWHERE.to_string());
    }
    let record = if ids.len() == 1 && ids[0] != ELSEWHERE {
        ids[0].as_str()
    } else {
        ""
    };
    let mut txn = Transaction::begin(w);
    let act = crate::audit::act::Act::Lookup {
        record: record.to_string(),
        kind: kind.name.clone(),
        field: field.to_string(),
        found: ids.clone(),
    };
    txn.act(&act, Vec::new());
    txn.commit()?;
    Ok(ids)
}

/// Those who draft the kind (to avoid a duplicate) or may see the field look values up.
fn may_look_up(session: &Session, kind: &Kind, field: &crate::schema::kind::Field) -> Result<()> {
    let role = session.role()?;
    let drafts = role.create.contains(&kind.name);
    let sees = field.pii.as_deref().is_some_and(|c| role.may_reveal(c));
    if drafts || sees {
        return Ok(());
    }
    Err(Error::denied(
        t!(
            "unique-actor-role-may-not",
            actor = session.actor()?.name,
            name = role.name,
            name2 = kind.name,
            name3 = field.name
        ),
        Some(t!("unique-those-who-draft-records", name = kind.name)),
    ))
}
