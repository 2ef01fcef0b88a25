//! What judging a record needs, and nothing more: the logged files as of one point of the
//! log, the rules in force there, the day, and which departments the acting actor reaches.
//! A command judges with the store as it stands; `verify` judges every act of the log with
//! the store as it stood when the act was taken, through the same functions.

use crate::error::Result;
use crate::reader::Reader;
use crate::schema::Schemas;
use crate::schema::expr::{Engine, Scope};
use crate::schema::kind::Kind;
use crate::schema::value::Value;
use crate::session::{Binding, bind};
use chrono::NaiveDate;
use std::collections::BTreeMap;

pub struct Context<'a> {
    /// The logged files as of this point, and the policy in force.
    pub reader: Reader<'a>,
    pub engine: &'a Engine,
    /// The day the act is judged on, in the store's zone.
    pub today: NaiveDate,
    /// The records the acting actor reaches.
    pub reach: Reach,
    /// The settings of the policy in force (placeholders, entry windows).
    pub settings: &'a crate::store::config::PolicySettings,
}

/// The records an actor reaches: every record, or those filed under one department (none:
/// the centre) (R-B2, R-C17).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    All,
    Only(Option<String>),
}

impl Reach {
    pub fn covers(&self, department: Option<&str>) -> bool {
        match self {
            Reach::All => true,
            Reach::Only(own) => own.as_deref() == department,
        }
    }
}

impl Context<'_> {
    /// The schemas of the policy in force.
    pub fn schemas(&self) -> &Schemas {
        self.reader.schemas
    }

    /// Whether a record filed under `department` is within the actor's reach.
    pub fn reach(&self, department: Option<&str>) -> bool {
        self.reach.covers(department)
    }

    /// Bind a record's fields (and, for each referenced record within reach, its fields)
    /// for the policy's own expressions (rules, conditions, steps), which see every value.
    /// References are loaded from their files only when `load_refs` names the field.
    pub fn scope<'e>(
        &'e self,
        kind: &Kind,
        fields: &BTreeMap<String, Value>,
        meta: (&str, &str, u32),
        load_refs: &dyn Fn(&str) -> bool,
    ) -> Result<Scope<'e>> {
        let mut resolve =
            |field: &str, id: &str| -> Result<Option<(BTreeMap<String, Value>, String)>> {
                if !load_refs(field) {
                    return Ok(None);
                }
                let Some(head) = self.reader.index.record(id) else {
                    return Ok(None);
                };
                if !self.reach(head.department.as_deref()) {
                    return Ok(None);
                }
                let rv = self.reader.load_version(id, head.version)?;
                Ok(Some((rv.fields, rv.status)))
            };
        // Only what the kind's expressions read: binding a value costs more than most
        // of the checks that read it.
        let wanted = |name: &str| kind.expressions_read(name);
        let binding = Binding {
            wanted: &wanted,
            shown: &|_| true,
        };
        bind(
            self.engine,
            self.schemas(),
            kind,
            fields,
            meta,
            &binding,
            &mut resolve,
        )
    }
}
