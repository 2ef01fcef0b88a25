//! The one expression engine (CEL) behind schema conditions and `query --where`: compiled
//! once, its variables listed so a schema naming an undeclared field is refused at load.

use std::collections::{BTreeMap, BTreeSet};
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

/// How an expression reads one top-level name: only some of its fields (`customer.phone`,
/// `customer["phone"]`, `has(customer.phone)`), or as a whole (passed on, iterated,
/// indexed by something computed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Whole,
    Fields(BTreeSet<String>),
}

/// What a literal is, for telling a comparison of a number with a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Number,
    Text,
    Bool,
}

impl Class {
    pub fn name(self) -> String {
        match self {
            Class::Number => t!("expr-a-number"),
            Class::Text => t!("expr-a-string"),
            Class::Bool => t!("expr-true-false"),
        }
    }
}

/// One comparison of a name (or a reference's field) with a literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub name: String,
    pub field: Option<String>,
    pub literal: Class,
}

/// A comparison operator, as a narrowing reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn of(func: &str) -> Option<Op> {
        Some(match func {
            "_==_" => Op::Eq,
            "_!=_" => Op::Ne,
            "_<_" => Op::Lt,
            "_<=_" => Op::Le,
            "_>_" => Op::Gt,
            "_>=_" => Op::Ge,
            _ => return None,
        })
    }

    /// The operator with its two sides swapped (`5 < x` is `x > 5`).
    fn swapped(self) -> Op {
        match self {
            Op::Lt => Op::Gt,
            Op::Le => Op::Ge,
            Op::Gt => Op::Lt,
            Op::Ge => Op::Le,
            same => same,
        }
    }
}

/// A literal a narrowing compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
}

/// What every record an expression matches must satisfy, read from its outer `&&`, `||`
/// and comparisons of a plain name with a literal. Anything else (a function, a `!`, a
/// reference's field) is left out of a conjunction and makes a disjunction say nothing,
/// so the narrowing is implied by the expression: a store may use it to skip records
/// cheaply, then judge the rest with the expression itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Narrowing {
    All(Vec<Narrowing>),
    Any(Vec<Narrowing>),
    Compare {
        name: String,
        op: Op,
        literal: Literal,
    },
}

/// Names bound for every record besides its fields.
pub const RECORD_VARIABLES: [&str; 3] = ["id", "status", "version"];

impl Expr {
    /// Compile `source`; a syntax error comes back with its line:column.
    pub fn compile(source: &str) -> Result<Expr, String> {
        let program = cel::Program::compile(source).map_err(|errors| {
            // The first error says what went wrong; the ones after it follow from it.
            match errors.errors.first() {
                Some(e) => t!(
                    "expr-syntax-error-at",
                    v0 = e.pos.0,
                    v1 = e.pos.1,
                    explain = explain(&e.msg)
                ),
                None => t!("expr-syntax-error").to_string(),
            }
        })?;
        if let Some(name) = unknown_function(program.expression()) {
            return Err(t!(
                "expr-unknown-function",
                name = name,
                known = known_functions()
            ));
        }
        // The free names, from the syntax tree: a comprehension's own variables
        // (`k` in `m.exists(k, …)`) are not names of the record.
        let mut reads = BTreeMap::new();
        reads_of(program.expression(), &mut Vec::new(), &mut reads);
        let variables = reads.into_keys().collect();
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

    /// The comparisons of a name or a reference's field with a literal (`fee > 10`,
    /// `customer.category == 'x'`), so a number compared with a string can be refused.
    pub fn comparisons(&self) -> Vec<Comparison> {
        let mut out = Vec::new();
        comparisons_of(self.program.expression(), &mut out);
        out
    }

    /// What every record the expression matches must satisfy (see `Narrowing`); `None`
    /// when its shape says nothing usable.
    pub fn narrowing(&self) -> Option<Narrowing> {
        narrowing_of(self.program.expression())
    }

    /// What the expression reads of each top-level name, decided from its syntax tree
    /// (never from its text): anything but a plain field selection reads the whole value.
    pub fn reads(&self) -> BTreeMap<String, Access> {
        let mut out = BTreeMap::new();
        reads_of(self.program.expression(), &mut Vec::new(), &mut out);
        out
    }

    /// Judge a schema's condition or rule: `Ok(None)` when it cannot be judged because a
    /// value it reads is empty (that value is judged by its own requirement), and an error
    /// in people's words, never the engine's, when it cannot be judged otherwise.
    pub fn holds(&self, scope: &Scope) -> Result<Option<bool>, String> {
        match self.eval_bool(scope) {
            Ok(b) => Ok(Some(b)),
            Err(_)
                if self
                    .reads()
                    .iter()
                    .any(|(n, a)| missing(scope.vars.get(n), a)) =>
            {
                Ok(None)
            }
            Err(_) => Err(t!("expr-condition-not-judged", source = self.source)),
        }
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
            Ok(other) => Err(t!(
                "expr-gives-not-true-false",
                source = self.source,
                format = format!("{:?}", other.type_of())
            )),
            Err(e) => Err(t!("expr-cannot-evaluated", source = self.source, e = e)),
        }
    }
}

/// Functions the engine knows, called plainly (`size(x)`, `int(x)`); the macros (`has`,
/// `all`, `exists`, `exists_one`, `map`, `filter`) are expanded by the parser and never
/// reach here. An unknown name would only fail when a record is evaluated, and a failed
/// evaluation is "no match": so an unknown function is refused when compiled.
const FUNCTIONS: [&str; 12] = [
    "size",
    "int",
    "uint",
    "double",
    "string",
    "bytes",
    "bool",
    "type",
    "dyn",
    "optional.of",
    "optional.none",
    "optional.ofNonZeroValue",
];

/// Functions the engine knows, called on a value (`name.startsWith('张')`).
const METHODS: [&str; 8] = [
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "hasValue",
    "value",
    "or",
    "orValue",
];

fn known_functions() -> String {
    let mut all: Vec<&str> = FUNCTIONS.iter().chain(&METHODS).copied().collect();
    all.extend(["has", "all", "exists", "exists_one", "map", "filter"]);
    all.sort_unstable();
    all.dedup();
    all.join(", ")
}

/// The first function `e` calls that the engine does not know. Operators (`_==_`, `@in`,
/// `!_`, `-_`) are calls too, named by their symbols.
fn unknown_function(e: &cel::IdedExpr) -> Option<String> {
    use cel::common::ast::Expr as E;
    let mut found = None;
    visit(e, &mut |node| {
        let E::Call(c) = &node.expr else { return };
        let name = c.func_name.as_str();
        if found.is_some() || name.starts_with(['_', '@', '!', '-']) {
            return;
        }
        let known = match c.target.as_deref().map(|t| &t.expr) {
            None => FUNCTIONS.contains(&name),
            Some(E::Ident(space)) if FUNCTIONS.contains(&format!("{space}.{name}").as_str()) => {
                true
            }
            Some(_) => METHODS.contains(&name),
        };
        if !known {
            found = Some(name.to_string());
        }
    });
    found
}

fn visit_entry(entry: &cel::common::ast::EntryExpr, f: &mut impl FnMut(&cel::IdedExpr)) {
    use cel::common::ast::EntryExpr;
    match entry {
        EntryExpr::MapEntry(me) => {
            visit(&me.key, f);
            visit(&me.value, f);
        }
        EntryExpr::StructField(sf) => visit(&sf.value, f),
    }
}

/// Call `f` on `e` and every expression inside it.
fn visit(e: &cel::IdedExpr, f: &mut impl FnMut(&cel::IdedExpr)) {
    use cel::common::ast::Expr as E;
    f(e);
    match &e.expr {
        E::Call(c) => {
            c.target.iter().for_each(|t| visit(t, f));
            c.args.iter().for_each(|x| visit(x, f));
        }
        E::Select(s) => visit(&s.operand, f),
        E::List(l) => l.elements.iter().for_each(|x| visit(x, f)),
        E::Comprehension(c) => {
            for part in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                visit(part, f);
            }
        }
        E::Map(m) => m.entries.iter().for_each(|en| visit_entry(&en.expr, f)),
        E::Struct(st) => st.entries.iter().for_each(|en| visit_entry(&en.expr, f)),
        E::Ident(_) | E::Literal(_) | E::Unspecified => {}
    }
}

/// A value an expression reads that is not there: a field left empty, or a referenced
/// record's field left empty.
fn missing(value: Option<&cel::Value>, access: &Access) -> bool {
    match (value, access) {
        (None | Some(cel::Value::Null), _) => true,
        (Some(cel::Value::Map(map)), Access::Fields(fields)) => fields.iter().any(|f| {
            let key = cel::objects::Key::from(f.as_str());
            matches!(map.map.get(&key), None | Some(cel::Value::Null))
        }),
        _ => false,
    }
}

/// The parser's message in the words of someone writing a filter.
fn explain(raw: &str) -> String {
    let msg = raw.trim_start_matches("Syntax error: ");
    if msg.contains("token recognition error at: '=") {
        t!("expr-use-compare-not-equal")
    } else if msg.contains("token recognition error at: '\"")
        || msg.contains("token recognition error at: ''")
    {
        t!("expr-text-quotes-not-closed")
    } else if msg.contains("mismatched input 'and'") || msg.contains("mismatched input 'or'") {
        t!("expr-write")
    } else if msg.contains("mismatched input '<EOF>'") {
        t!("expr-expression-ends-too-early")
    } else if msg.contains("missing ')'") {
        t!("expr-not-closed")
    } else if let Some(rest) = msg.strip_prefix("extraneous input ") {
        let token = rest.split(" expecting").next().unwrap_or(rest);
        format!("unexpected {token}")
    } else {
        msg.to_string()
    }
}

fn mark(out: &mut BTreeMap<String, Access>, name: &str, field: Option<&str>) {
    let access = out
        .entry(name.to_string())
        .or_insert_with(|| Access::Fields(BTreeSet::new()));
    match (access, field) {
        (Access::Fields(fields), Some(f)) => {
            fields.insert(f.to_string());
        }
        (access, _) => *access = Access::Whole,
    }
}

/// `name` and the field when `e` is `name.field` or `name["field"]`.
fn selection(e: &cel::IdedExpr) -> Option<(&str, &str)> {
    use cel::common::ast::{Expr as E, LiteralValue, operators};
    match &e.expr {
        E::Select(s) => match &s.operand.expr {
            E::Ident(name) => Some((name, &s.field)),
            _ => None,
        },
        E::Call(c)
            if (c.func_name == operators::INDEX || c.func_name == operators::OPT_INDEX)
                && c.target.is_none()
                && c.args.len() == 2 =>
        {
            match (&c.args[0].expr, &c.args[1].expr) {
                (E::Ident(name), E::Literal(LiteralValue::String(key))) => {
                    Some((name, key.inner()))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn literal_class(e: &cel::IdedExpr) -> Option<Class> {
    use cel::common::ast::{Expr as E, LiteralValue as L};
    match &e.expr {
        E::Literal(L::Int(_) | L::UInt(_) | L::Double(_)) => Some(Class::Number),
        E::Literal(L::String(_)) => Some(Class::Text),
        E::Literal(L::Boolean(_)) => Some(Class::Bool),
        _ => None,
    }
}

fn named(e: &cel::IdedExpr) -> Option<(String, Option<String>)> {
    match &e.expr {
        cel::common::ast::Expr::Ident(n) => Some((n.clone(), None)),
        _ => selection(e).map(|(n, f)| (n.to_string(), Some(f.to_string()))),
    }
}

fn narrowing_of(e: &cel::IdedExpr) -> Option<Narrowing> {
    use cel::common::ast::{Expr as E, operators};
    let E::Call(c) = &e.expr else { return None };
    if c.target.is_some() || c.args.len() != 2 {
        return None;
    }
    let (a, b) = (&c.args[0], &c.args[1]);
    match c.func_name.as_str() {
        operators::LOGICAL_AND => {
            let parts: Vec<Narrowing> = [a, b].into_iter().filter_map(narrowing_of).collect();
            (!parts.is_empty()).then_some(Narrowing::All(parts))
        }
        operators::LOGICAL_OR => Some(Narrowing::Any(vec![narrowing_of(a)?, narrowing_of(b)?])),
        func => {
            let op = Op::of(func)?;
            let (name, literal, op) = match (&a.expr, literal_of(b), &b.expr, literal_of(a)) {
                (E::Ident(name), Some(lit), _, _) => (name, lit, op),
                (_, _, E::Ident(name), Some(lit)) => (name, lit, op.swapped()),
                _ => return None,
            };
            Some(Narrowing::Compare {
                name: name.clone(),
                op,
                literal,
            })
        }
    }
}

fn literal_of(e: &cel::IdedExpr) -> Option<Literal> {
    use cel::common::ast::{Expr as E, LiteralValue as L};
    match &e.expr {
        E::Literal(L::Int(i)) => Some(Literal::Int(*i.inner())),
        E::Literal(L::UInt(u)) => i64::try_from(*u.inner()).ok().map(Literal::Int),
        E::Literal(L::Double(d)) => Some(Literal::Float(*d.inner())),
        E::Literal(L::String(s)) => Some(Literal::Text(s.inner().to_string())),
        E::Literal(L::Boolean(b)) => Some(Literal::Bool(*b.inner())),
        _ => None,
    }
}

fn comparisons_of(e: &cel::IdedExpr, out: &mut Vec<Comparison>) {
    use cel::common::ast::Expr as E;
    const COMPARE: [&str; 6] = ["_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_"];
    visit(e, &mut |node| {
        let E::Call(c) = &node.expr else { return };
        if !COMPARE.contains(&c.func_name.as_str()) || c.args.len() != 2 {
            return;
        }
        let (a, b) = (&c.args[0], &c.args[1]);
        for (side, lit) in [(a, b), (b, a)] {
            if let (Some((name, field)), Some(literal)) = (named(side), literal_class(lit)) {
                out.push(Comparison {
                    name,
                    field,
                    literal,
                });
            }
        }
    });
}

/// Record in `out` what `e` reads of each free name; `bound` holds the names the
/// comprehensions around `e` define.
fn reads_of(e: &cel::IdedExpr, bound: &mut Vec<String>, out: &mut BTreeMap<String, Access>) {
    use cel::common::ast::Expr as E;
    let free = |name: &str, bound: &Vec<String>| !bound.iter().any(|b| b == name);
    if let Some((name, field)) = selection(e)
        && free(name, bound)
    {
        mark(out, name, Some(field));
        return;
    }
    match &e.expr {
        E::Ident(name) if free(name, bound) => mark(out, name, None),
        E::Ident(_) | E::Literal(_) | E::Unspecified => {}
        E::Select(sel) => reads_of(&sel.operand, bound, out),
        E::Call(c) => {
            for part in c.target.iter().map(|t| t.as_ref()).chain(&c.args) {
                reads_of(part, bound, out);
            }
        }
        E::Comprehension(c) => {
            reads_of(&c.iter_range, bound, out);
            reads_of(&c.accu_init, bound, out);
            let depth = bound.len();
            bound.push(c.iter_var.clone());
            bound.extend(c.iter_var2.clone());
            bound.push(c.accu_var.clone());
            for part in [&c.loop_cond, &c.loop_step, &c.result] {
                reads_of(part, bound, out);
            }
            bound.truncate(depth);
        }
        E::List(l) => l.elements.iter().for_each(|x| reads_of(x, bound, out)),
        E::Map(m) => m
            .entries
            .iter()
            .for_each(|entry| entry_reads(&entry.expr, bound, out)),
        E::Struct(st) => st
            .entries
            .iter()
            .for_each(|entry| entry_reads(&entry.expr, bound, out)),
    }
}

fn entry_reads(
    entry: &cel::common::ast::EntryExpr,
    bound: &mut Vec<String>,
    out: &mut BTreeMap<String, Access>,
) {
    use cel::common::ast::EntryExpr;
    match entry {
        EntryExpr::MapEntry(me) => {
            reads_of(&me.key, bound, out);
            reads_of(&me.value, bound, out);
        }
        EntryExpr::StructField(sf) => reads_of(&sf.value, bound, out),
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
        let c = Expr::compile("customer.exists(k, k == 'id_number') && [1].all(x, x > 0)").unwrap();
        assert_eq!(
            c.variables(),
            ["customer"],
            "comprehension variables are not free"
        );
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
    fn reads_are_decided_from_the_syntax_tree() {
        let fields = |names: &[&str]| Access::Fields(names.iter().map(|n| n.to_string()).collect());
        let e = Expr::compile(r#"customer.phone != "" && customer["id_number"] == "x" && fee > 1"#)
            .unwrap();
        let r = e.reads();
        assert_eq!(r["customer"], fields(&["id_number", "phone"]));
        assert_eq!(r["fee"], Access::Whole);
        for whole in [
            "customer.exists(k, k == 'id_number')",
            "customer[k] == 'x'",
            "size(customer) > 0",
            "[customer][0].id_number == 'x'",
            "customer == {'id_number': 'x'}",
        ] {
            let e = Expr::compile(whole).unwrap();
            assert_eq!(e.reads().get("customer"), Some(&Access::Whole), "{whole}");
        }
        let e = Expr::compile("has(customer.id_number)").unwrap();
        assert_eq!(e.reads()["customer"], fields(&["id_number"]));
    }

    /// The lists of known functions agree with the engine: each is declared (a call
    /// without arguments finds the name and fails on its overloads), and names the engine
    /// lacks are refused when compiled.
    #[test]
    fn known_functions_are_the_engines() {
        let engine = Engine::default();
        let run = |src: &str| {
            let program = cel::Program::compile(src).unwrap();
            program.execute(&engine.root.new_inner_scope())
        };
        let undeclared = |r: Result<cel::Value, cel::ExecutionError>| {
            matches!(r, Err(cel::ExecutionError::UndeclaredReference(_)))
        };
        for f in FUNCTIONS {
            assert!(!undeclared(run(&format!("{f}()"))), "{f}");
        }
        for m in METHODS {
            assert!(!undeclared(run(&format!("'a'.{m}()"))), "{m}");
        }
        for missing in [
            "foo(1)",
            "matches(name, 'x')",
            "max(1, 2)",
            "name.trim() == ''",
        ] {
            let e = Expr::compile(missing).unwrap_err();
            assert!(e.contains("function"), "{missing}: {e}");
        }
        for fine in [
            "size(name) > 1",
            "name.startsWith('张') && int(fee) > 1",
            "has(customer.phone) && [1].exists(x, x > 0)",
            "-fee < 0 && !ok && 'a' in tags",
        ] {
            Expr::compile(fine).unwrap();
        }
    }

    #[test]
    fn a_narrowing_keeps_what_every_match_must_satisfy() {
        let n = |src: &str| Expr::compile(src).unwrap().narrowing();
        let cmp = |name: &str, op, literal| Narrowing::Compare {
            name: name.into(),
            op,
            literal,
        };
        assert_eq!(
            n("category == 'commercial' && 50000 < meter"),
            Some(Narrowing::All(vec![
                cmp("category", Op::Eq, Literal::Text("commercial".into())),
                cmp("meter", Op::Gt, Literal::Int(50000)),
            ]))
        );
        // A part it cannot read is left out of a conjunction...
        assert_eq!(
            n("size(name) > 2 && ok != true"),
            Some(Narrowing::All(vec![cmp("ok", Op::Ne, Literal::Bool(true))]))
        );
        // ...and makes a disjunction say nothing, as do negations and references.
        assert_eq!(n("fee >= 1.5 || name.startsWith('张')"), None);
        assert_eq!(n("!(fee > 1)"), None);
        assert_eq!(n("customer.category == 'x'"), None);
        assert_eq!(
            n("fee <= 2u || status == 'active'"),
            Some(Narrowing::Any(vec![
                cmp("fee", Op::Le, Literal::Int(2)),
                cmp("status", Op::Eq, Literal::Text("active".into())),
            ]))
        );
    }

    #[test]
    fn comparisons_with_literals_are_listed() {
        let e = Expr::compile("fee > '10' && customer.category == 1 && ok == true").unwrap();
        let found: Vec<(String, Option<String>, Class)> = e
            .comparisons()
            .into_iter()
            .map(|c| (c.name, c.field, c.literal))
            .collect();
        assert!(found.contains(&("fee".into(), None, Class::Text)));
        assert!(found.contains(&("customer".into(), Some("category".into()), Class::Number)));
        assert!(found.contains(&("ok".into(), None, Class::Bool)));
    }

    #[test]
    fn syntax_errors_have_positions_and_plain_words() {
        let err = Expr::compile("a == ").unwrap_err();
        assert!(err.contains("syntax error at 1:"), "{err}");
        for (source, says) in [
            ("category = 'x'", "use `==` to compare"),
            ("name == \"x", "a text in quotes is not closed"),
            ("a == 1 &&", "the expression ends too early"),
            ("a == 1 and b == 2", "write `&&` for and"),
            ("(a == 1", "a `(` is not closed"),
        ] {
            let err = Expr::compile(source).unwrap_err();
            assert!(err.contains(says), "{source}: {err}");
        }
    }
}
