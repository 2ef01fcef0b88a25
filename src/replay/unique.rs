//! One customer, one record, replayed from genesis: who holds each unique value now. A
//! value is kept as 128 bits of the SHA-256 of its kind, field and normalised text, with
//! the one record holding it (a second only by a logged reason), so a million customers'
//! identity numbers take tens of megabytes, not hundreds.

use crate::schema::kind::Kind;
use crate::schema::value::Value;
use sha2::Digest;
use std::collections::{BTreeMap, HashMap};

/// A unique value of one field of one kind.
pub type ValueKey = u128;

/// Who holds each unique value.
#[derive(Default)]
pub struct UniqueValues {
    /// The record that claimed the value first (of those still holding it).
    first: HashMap<ValueKey, Box<str>>,
    /// The records that claimed it after, each by a logged reason (rare).
    more: HashMap<ValueKey, Vec<Box<str>>>,
}

/// The keys of the values `fields` holds in the fields `kind` makes unique.
pub fn keys_of(kind: &Kind, fields: &BTreeMap<String, Value>) -> Vec<ValueKey> {
    kind.fields
        .iter()
        .filter(|f| f.unique)
        .filter_map(|f| match fields.get(&f.name) {
            Some(Value::Str(v)) => Some(key(&kind.name, &f.name, v)),
            _ => None,
        })
        .collect()
}

fn key(kind: &str, field: &str, value: &str) -> ValueKey {
    let normal = crate::text::narrow(value).trim().to_uppercase();
    let text = format!("{kind}\u{1f}{field}\u{1f}{normal}");
    let digest = sha2::Sha256::digest(text.as_bytes());
    u128::from_le_bytes(digest[..16].try_into().expect("16 bytes"))
}

impl UniqueValues {
    /// Record `id` no longer holds `keys` (what its version before this one held).
    pub fn release(&mut self, id: &str, keys: &[ValueKey]) {
        for &k in keys {
            self.drop_holder(k, id);
        }
    }

    /// Record `id` holds `keys` from now on; the other records noted as holding one of
    /// them, with the key. A holder noted is not always still one (its kind's unique
    /// fields may have changed since it claimed): the caller asks its current version.
    pub fn claim(&mut self, id: &str, keys: &[ValueKey]) -> Vec<(ValueKey, Box<str>)> {
        let mut others = Vec::new();
        for &k in keys {
            let holders = self.holders(k);
            if holders.clone().any(|h| h == id) {
                others.extend(holders.filter(|h| *h != id).map(|h| (k, h.into())));
                continue;
            }
            others.extend(holders.map(|h| (k, h.into())));
            match self.first.entry(k) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(id.into());
                }
                std::collections::hash_map::Entry::Occupied(_) => {
                    self.more.entry(k).or_default().push(id.into());
                }
            }
        }
        others
    }

    /// `holder` does not hold `k` (any more).
    pub fn drop_holder(&mut self, k: ValueKey, holder: &str) {
        if self.first.get(&k).is_some_and(|h| &**h == holder) {
            self.first.remove(&k);
            if let Some(more) = self.more.get_mut(&k) {
                self.first.insert(k, more.remove(0));
                if more.is_empty() {
                    self.more.remove(&k);
                }
            }
        } else if let Some(more) = self.more.get_mut(&k) {
            more.retain(|h| &**h != holder);
            if more.is_empty() {
                self.more.remove(&k);
            }
        }
    }

    fn holders(&self, k: ValueKey) -> impl Iterator<Item = &str> + Clone {
        let first = self.first.get(&k).map(|h| &**h);
        let more = self.more.get(&k).into_iter().flatten().map(|h| &**h);
        first.into_iter().chain(more)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_come_and_go_in_the_order_they_claimed() {
        let mut u = UniqueValues::default();
        let (a, b) = (1u128, 2u128);
        assert!(u.claim("C1", &[a]).is_empty());
        assert!(
            u.claim("C1", &[a]).is_empty(),
            "claiming again is not a duplicate"
        );
        assert_eq!(u.claim("C2", &[a, b]), vec![(a, "C1".into())]);
        assert_eq!(
            u.claim("C3", &[a]),
            vec![(a, "C1".into()), (a, "C2".into())]
        );
        u.release("C1", &[a]);
        assert_eq!(
            u.claim("C4", &[a]),
            vec![(a, "C2".into()), (a, "C3".into())]
        );
        u.drop_holder(a, "C3");
        u.release("C2", &[a, b]);
        assert_eq!(u.claim("C5", &[a, b]), vec![(a, "C4".into())]);
        u.release("C4", &[a]);
        u.release("C5", &[a, b]);
        assert!(u.first.is_empty() && u.more.is_empty());
    }
}
