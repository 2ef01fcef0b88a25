//! The one expression engine (CEL) behind schema conditions and `query --where`: compiled
//! once, its variables listed so a schema naming an undeclared field is refused at load.

use std::collections::BTreeMap;
use std::sync::Arc;

/// A compiled boolean expression over a record's fields.
pub struct Expr {
    pub source: String,
    program: cel::Program,
    variables: Vec<String>,
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expr({})", self.source)
    }
}

/// Names bound for every record besides its fields.
pub const RECORD_VARIABLES: [&str; 3] = ["id", "status", "version"];

impl Expr {
    /// Compile `source`; a syntax error comes back with its line:column.
    pub fn compile(source: &str) -> Result<Expr, String> {
        let program = cel::Program::compile(source).map_err(|errors| {
            errors
                .errors
                .iter()
                .map(|e| format!("syntax error at {}:{}: {}", e.pos.0, e.pos.1, e.msg))
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let variables = program
            .references()
            .variables()
            .into_iter()
            .map(str::to_string)
            .collect();
        Ok(Expr {
            source: source.to_string(),
            program,
            variables,
        })
    }

    /// The top-level names the expression reads.
    pub fn variables(&self) -> &[String] {
        &self.variables
    }

    pub fn uses(&self, name: &str) -> bool {
        self.variables.iter().any(|v| v == name)
    }

    /// Evaluate against bound variables; anything but a boolean is an error.
    pub fn eval_bool(&self, scope: &Scope) -> Result<bool, String> {
        let root = scope.root;
        let mut ctx = root.new_inner_scope();
        for (name, value) in &scope.vars {
            ctx.add_variable_from_value(name.as_str(), value.clone());
        }
        match self.program.execute(&ctx) {
            Ok(cel::Value::Bool(b)) => Ok(b),
            Ok(other) => Err(format!(
                "`{}` gives {:?}, not true or false",
                self.source,
                other.type_of()
            )),
            Err(e) => Err(format!("`{}` cannot be evaluated: {e}", self.source)),
        }
    }
}

/// A reusable root context: building CEL's standard library costs tens of µs, so one is
/// made per command and every record gets a cheap child scope.
pub struct Engine {
    root: cel::Context<'static, 'static>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine {
            root: cel::Context::with_env(Arc::new(cel::Env::stdlib())),
        }
    }
}

impl Engine {
    pub fn scope(&self) -> Scope<'_> {
        Scope {
            root: &self.root,
            vars: BTreeMap::new(),
        }
    }
}

/// The variables bound for one evaluation.
pub struct Scope<'e> {
    root: &'e cel::Context<'static, 'static>,
    pub vars: BTreeMap<String, cel::Value>,
}

impl Scope<'_> {
    pub fn set(&mut self, name: &str, value: cel::Value) {
        self.vars.insert(name.to_string(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_variables_and_evaluates() {
        let e = Expr::compile("customer.category == 'commercial' || annual >= 3000000").unwrap();
        let mut vars = e.variables().to_vec();
        vars.sort();
        assert_eq!(vars, ["annual", "customer"]);
        let engine = Engine::default();
        let mut scope = engine.scope();
        let mut cust = std::collections::HashMap::new();
        cust.insert("category".to_string(), cel::Value::from("residential"));
        scope.set("customer", cel::Value::from(cust));
        scope.set("annual", cel::Value::Int(3_000_000));
        assert!(e.eval_bool(&scope).unwrap());
        scope.set("annual", cel::Value::Int(2_999_999));
        assert!(!e.eval_bool(&scope).unwrap());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = Expr::compile("a == ").unwrap_err();
        assert!(err.contains("syntax error at 1:"), "{err}");
    }
}
