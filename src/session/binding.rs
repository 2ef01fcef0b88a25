//! Binding a record's fields for the policy's expressions (rules, conditions, steps):
//! references resolved to the referenced record's fields, personal data masked unless
//! its class is shown.

use super::Session;
use crate::error::Result;
use crate::schema::Schemas;
use crate::schema::expr::{Engine, Scope};
use crate::schema::kind::Kind;
use crate::schema::value::{FieldType, Value};
use std::collections::{BTreeMap, HashMap};

impl Session {
    /// Bind a record's fields (and, for each referenced record, its fields) for the
    /// policy's own expressions (rules, conditions, steps), which see every value.
    /// References are loaded from their files only when `load_refs` names the field.
    pub fn scope<'e>(
        &'e self,
        kind: &Kind,
        fields: &BTreeMap<String, Value>,
        meta: (&str, &str, u32),
        load_refs: &dyn Fn(&str) -> bool,
    ) -> Result<Scope<'e>> {
        self.scope_shown(kind, fields, meta, load_refs, &|_| true)
    }

    /// Bind as `scope` does, but personal fields whose class `shown` refuses — in the
    /// record and in every record it refers to — are bound masked, as the actor sees them.
    pub fn scope_shown<'e>(
        &'e self,
        kind: &Kind,
        fields: &BTreeMap<String, Value>,
        meta: (&str, &str, u32),
        load_refs: &dyn Fn(&str) -> bool,
        shown: &dyn Fn(&str) -> bool,
    ) -> Result<Scope<'e>> {
        let mut resolve =
            |field: &str, id: &str| -> Result<Option<(BTreeMap<String, Value>, String)>> {
                if !load_refs(field) {
                    return Ok(None);
                }
                let Some(head) = self.index.record(id) else {
                    return Ok(None);
                };
                let rv = self.load_version(id, head.version)?;
                Ok(Some((rv.fields, rv.status)))
            };
        let binding = Binding {
            wanted: &|_| true,
            shown,
        };
        bind(
            &self.engine,
            &self.schemas,
            kind,
            fields,
            meta,
            &binding,
            &mut resolve,
        )
    }
}

/// Gives a referenced record's fields and status (from its file, or from the rows cache):
/// (field name, referenced id) → fields and status, if known.
pub type Resolve<'a> =
    dyn FnMut(&str, &str) -> Result<Option<(BTreeMap<String, Value>, String)>> + 'a;

/// Which names to bind, and which PII classes to bind unmasked.
pub struct Binding<'a> {
    pub wanted: &'a dyn Fn(&str) -> bool,
    pub shown: &'a dyn Fn(&str) -> bool,
}

impl Binding<'_> {
    /// A value as the binding may show it: masked when it is personal data of a class
    /// that is not shown.
    fn visible(&self, field: &crate::schema::kind::Field, value: &Value) -> cel::Value {
        match &field.pii {
            Some(class) if !(self.shown)(class) => {
                crate::policy::mask::mask_value(field.mask, value).to_cel()
            }
            _ => value.to_cel(),
        }
    }
}

/// Bind the fields `wanted` names for an expression, a reference as a map of the
/// referenced record's fields. A free function so that threads with engines of their
/// own can bind too.
pub fn bind<'e>(
    engine: &'e Engine,
    schemas: &Schemas,
    kind: &Kind,
    fields: &BTreeMap<String, Value>,
    meta: (&str, &str, u32),
    binding: &Binding,
    resolve: &mut Resolve,
) -> Result<Scope<'e>> {
    let wanted = binding.wanted;
    let mut scope = engine.scope();
    for f in kind.fields.iter().filter(|f| wanted(&f.name)) {
        let value = match (fields.get(&f.name), &f.ty) {
            (None, _) => cel::Value::Null,
            (Some(Value::Str(id)), FieldType::Ref(target)) => {
                let mut map: HashMap<String, cel::Value> = HashMap::new();
                map.insert("id".into(), cel::Value::from(id.as_str()));
                if let Some((ref_fields, status)) = resolve(&f.name, id)? {
                    for rf in &schemas.kind(target)?.fields {
                        let value = ref_fields
                            .get(&rf.name)
                            .map(|v| binding.visible(rf, v))
                            .unwrap_or(cel::Value::Null);
                        map.insert(rf.name.clone(), value);
                    }
                    map.insert("status".into(), cel::Value::from(status.as_str()));
                }
                cel::Value::from(map)
            }
            (Some(v), _) => binding.visible(f, v),
        };
        scope.set(&f.name, value);
    }
    if wanted("id") {
        scope.set("id", cel::Value::from(meta.0));
    }
    if wanted("status") {
        scope.set("status", cel::Value::from(meta.1));
    }
    if wanted("version") {
        scope.set("version", cel::Value::Int(meta.2 as i64));
    }
    Ok(scope)
}
