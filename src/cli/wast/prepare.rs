//! Prepares the directives of one parsed .wast file: outcomes decided
//! on the Rust side (encoding, `assert_invalid`, `assert_malformed`, ...) plus
//! the JSON script of steps the Node driver executes (instantiate, invoke).
//!
//! Every component is transpiled here, as soon as its directive is reached, into
//! `<workdir>/c<N>/c<N>.js` (plus core modules), so the driver only imports glue.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use wasmparser::component_types::ComponentEntityType;
use wasmparser::types::Types;
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use super::engine::Engine;
use super::values::{Encoder, Val};

/// The result of one directive.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub ok: bool,
    /// Why it failed (empty when it passed).
    pub reason: String,
    /// Extra information for `--verbose` (e.g. differing trap messages).
    pub notes: Vec<String>,
}

impl Outcome {
    pub fn pass() -> Outcome {
        Outcome {
            ok: true,
            reason: String::new(),
            notes: Vec::new(),
        }
    }
    pub fn fail(reason: impl Into<String>) -> Outcome {
        Outcome {
            ok: false,
            reason: reason.into(),
            notes: Vec::new(),
        }
    }
    fn note(mut self, note: impl Into<String>) -> Outcome {
        self.notes.push(note.into());
        self
    }
}

/// One directive of the file, in source order.
pub struct Directive {
    pub line: usize,
    pub col: usize,
    pub kind: &'static str,
    /// Decided while preparing; `None` means the driver decides it.
    pub outcome: Option<Outcome>,
}

/// One file, prepared: every directive (some already decided) and the
/// driver's script for the rest.
pub struct Prepared {
    pub directives: Vec<Directive>,
    /// `{ components: {c0: {js, dir} | {error}}, steps: [...] }` for the driver.
    pub script: Value,
    /// How many steps the driver has to run.
    pub steps: usize,
}

/// A component seen in the file.
struct Component {
    /// Exported function types, from validating the binary with wasmparser.
    types: Result<Types, String>,
    /// Why it has no transpiled glue, if it has none.
    error: Option<String>,
}

struct Planner<'e> {
    engine: &'e Engine,
    workdir: &'e Path,
    limit: Duration,
    components: Vec<Component>,
    script_components: serde_json::Map<String, Value>,
    definitions: HashMap<String, usize>,
    last_definition: Option<usize>,
    /// Which component each named instance (and the current one) is of.
    instances: HashMap<String, usize>,
    current: Option<usize>,
    steps: Vec<Value>,
    scratch: usize,
}

/// The name used in reports for a directive.
fn kind_of(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::Module(_) => "component",
        WastDirective::ModuleDefinition(_) => "component definition",
        WastDirective::ModuleInstance { .. } => "component instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Register { .. } => "register",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

fn is_component(q: &QuoteWat<'_>) -> bool {
    matches!(
        q,
        QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..)
    )
}

fn validate(bytes: &[u8]) -> Result<Types, String> {
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all());
    validator
        .validate_all(bytes)
        .map_err(|e| format!("{} (at byte offset {:#x})", e.message(), e.offset()))
}

/// Plans `wast` (already parsed from `text`), transpiling its components.
pub fn prepare(
    wast: Wast<'_>,
    text: &str,
    engine: &Engine,
    workdir: &Path,
    limit: Duration,
) -> Prepared {
    let mut p = Planner {
        engine,
        workdir,
        limit,
        components: Vec::new(),
        script_components: serde_json::Map::new(),
        definitions: HashMap::new(),
        last_definition: None,
        instances: HashMap::new(),
        current: None,
        steps: Vec::new(),
        scratch: 0,
    };
    let mut directives = Vec::new();
    for (id, d) in wast.directives.into_iter().enumerate() {
        let (line, col) = d.span().linecol_in(text);
        let kind = kind_of(&d);
        let outcome = p.directive(id, d);
        directives.push(Directive {
            line: line + 1,
            col: col + 1,
            kind,
            outcome,
        });
    }
    let steps = p.steps.len();
    let script = json!({ "components": p.script_components, "steps": p.steps });
    Prepared {
        directives,
        script,
        steps,
    }
}

impl Planner<'_> {
    /// Handles one directive: returns its outcome, or `None` after adding a
    /// driver step that will decide it.
    fn directive(&mut self, id: usize, d: WastDirective<'_>) -> Option<Outcome> {
        match d {
            WastDirective::Module(mut q) => {
                if !is_component(&q) {
                    return Some(Outcome::fail("core module directives are not supported"));
                }
                let name = q.name().map(|id| id.name().to_string());
                let comp = self.component(q.encode().map_err(|e| e.message()));
                self.instantiate(id, comp, name, None);
                None
            }
            WastDirective::ModuleDefinition(mut q) => {
                if !is_component(&q) {
                    return Some(Outcome::fail("core module directives are not supported"));
                }
                let name = q.name().map(|id| id.name().to_string());
                let comp = self.component(q.encode().map_err(|e| e.message()));
                if let Some(name) = name {
                    self.definitions.insert(name, comp);
                }
                self.last_definition = Some(comp);
                Some(match &self.components[comp].error {
                    None => Outcome::pass(),
                    Some(e) => Outcome::fail(e.clone()),
                })
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let comp = match module {
                    Some(m) => self.definitions.get(m.name()).copied(),
                    None => self.last_definition,
                };
                let Some(comp) = comp else {
                    let what = module.map(|m| format!("${}", m.name()));
                    return Some(Outcome::fail(format!(
                        "unknown component definition {}",
                        what.unwrap_or_else(|| "(none defined yet)".to_string())
                    )));
                };
                self.instantiate(id, comp, instance.map(|i| i.name().to_string()), None);
                None
            }
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            }
            | WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => Some(self.assert_rejected(module.encode().map_err(|e| e.message()), message)),
            WastDirective::Invoke(inv) => self.invoke(id, &inv, json!({ "kind": "any" })),
            WastDirective::AssertReturn {
                exec: WastExecute::Invoke(inv),
                results,
                ..
            } => match self.expected_return(&inv, &results) {
                Ok(expect) => self.invoke(id, &inv, expect),
                Err(e) => Some(Outcome::fail(e)),
            },
            WastDirective::AssertTrap {
                exec: WastExecute::Invoke(inv),
                message,
                ..
            } => self.invoke(id, &inv, json!({ "kind": "trap", "message": message })),
            WastDirective::AssertTrap {
                exec: WastExecute::Wat(mut wat),
                message,
                ..
            } => {
                if !matches!(wat, Wat::Component(_)) {
                    return Some(Outcome::fail("core module directives are not supported"));
                }
                let comp = self.component(wat.encode().map_err(|e| e.message()));
                self.instantiate(id, comp, None, Some(message));
                None
            }
            other => Some(Outcome::fail(format!(
                "directive `{}` is not supported by weft wast",
                kind_of(&other)
            ))),
        }
    }

    /// Registers a component and transpiles it unless encoding failed.
    fn component(&mut self, bytes: Result<Vec<u8>, String>) -> usize {
        let n = self.components.len();
        let name = format!("c{n}");
        let (types, error) = match bytes {
            Err(e) => (
                Err(e.clone()),
                Some(format!("encoding the component failed: {e}")),
            ),
            Ok(bytes) => {
                let dir = self.workdir.join(&name);
                let transpiled = self.engine.transpile(&bytes, &dir, &name, self.limit);
                (validate(&bytes), transpiled.err().map(|e| e.message))
            }
        };
        let entry = match &error {
            None => json!({
                "js": self.workdir.join(&name).join(format!("{name}.js")),
                "dir": self.workdir.join(&name),
            }),
            Some(e) => json!({ "error": e }),
        };
        self.script_components.insert(name, entry);
        self.components.push(Component { types, error });
        n
    }

    fn instantiate(&mut self, id: usize, comp: usize, as_name: Option<String>, trap: Option<&str>) {
        // Like `wasmtime wast`, a component expected to trap does not become current.
        let current = trap.is_none();
        if let Some(name) = &as_name {
            self.instances.insert(name.clone(), comp);
        }
        if current {
            self.current = Some(comp);
        }
        self.steps.push(json!({
            "id": id,
            "op": "instantiate",
            "component": format!("c{comp}"),
            "instance": as_name,
            "expectTrap": trap,
            "current": current,
        }));
    }

    /// `assert_invalid`/`assert_malformed`: passes iff encoding or transpiling fails.
    fn assert_rejected(&mut self, bytes: Result<Vec<u8>, String>, expected: &str) -> Outcome {
        let bytes = match bytes {
            Err(e) => {
                return Outcome::pass().note(format!("rejected by the wast encoder: {e}"));
            }
            Ok(bytes) => bytes,
        };
        self.scratch += 1;
        let dir = self.workdir.join(format!("rejected{}", self.scratch));
        let name = format!("rejected{}", self.scratch);
        match self.engine.transpile(&bytes, &dir, &name, self.limit) {
            Err(e) if e.crashed => Outcome::fail(format!(
                "expected the component to be rejected (\"{expected}\"), but the transpiler crashed: {}",
                e.message
            )),
            Err(e) => Outcome::pass().note(format!(
                "rejected: {} | expected message: {expected}",
                e.message
            )),
            Ok(()) => Outcome::fail(format!(
                "expected the component to be rejected (\"{expected}\"), but {} transpiled it",
                self.engine.name()
            )),
        }
    }

    /// The component an invoke targets: the named instance or the current one.
    fn target(&self, inv: &WastInvoke<'_>) -> Result<usize, String> {
        match inv.module {
            Some(m) => self
                .instances
                .get(m.name())
                .copied()
                .ok_or_else(|| format!("unknown instance ${}", m.name())),
            None => self
                .current
                .ok_or_else(|| "no component instantiated yet".to_string()),
        }
    }

    /// The validated type of the function export `name` of component `comp`.
    fn func_type(
        &self,
        comp: usize,
        name: &str,
    ) -> Result<(&Types, &wasmparser::component_types::ComponentFuncType), String> {
        let types = self.components[comp]
            .types
            .as_ref()
            .map_err(|e| format!("cannot type the component: {e}"))?;
        match types.component_item_for_export(name).map(|item| &item.ty) {
            Some(ComponentEntityType::Func(id)) => Ok((types, &types[*id])),
            Some(_) => Err(format!("export \"{name}\" is not a function")),
            None => Err(format!("the component has no export \"{name}\"")),
        }
    }

    fn expected_return(
        &self,
        inv: &WastInvoke<'_>,
        results: &[WastRet<'_>],
    ) -> Result<Value, String> {
        let comp = self.target(inv)?;
        let (types, func) = self.func_type(comp, inv.name)?;
        let enc = Encoder::new(types);
        match (results, &func.result) {
            ([], None) => Ok(json!({ "kind": "return", "value": ["u"], "topResult": false })),
            ([ret], Some(ty)) => {
                let value = enc
                    .encode(&Val::from_ret(ret)?, ty)
                    .map_err(|e| format!("expected result: {e}"))?;
                Ok(json!({ "kind": "return", "value": value, "topResult": enc.is_result(ty) }))
            }
            (_, result) => Err(format!(
                "assert_return lists {} results, but \"{}\" returns {}",
                results.len(),
                inv.name,
                if result.is_some() {
                    "one value"
                } else {
                    "nothing"
                }
            )),
        }
    }

    /// Adds an invoke step, or fails the directive when it cannot be built.
    fn invoke(&mut self, id: usize, inv: &WastInvoke<'_>, expect: Value) -> Option<Outcome> {
        let args = self.target(inv).and_then(|comp| {
            let (types, func) = self.func_type(comp, inv.name)?;
            if func.params.len() != inv.args.len() {
                return Err(format!(
                    "\"{}\" takes {} arguments, {} given",
                    inv.name,
                    func.params.len(),
                    inv.args.len()
                ));
            }
            let enc = Encoder::new(types);
            let mut args = Vec::new();
            for (arg, (pname, ty)) in inv.args.iter().zip(func.params.iter()) {
                let val = Val::from_arg(arg)?;
                args.push(
                    enc.encode(&val, ty)
                        .map_err(|e| format!("argument `{}`: {e}", pname.as_str()))?,
                );
            }
            Ok(args)
        });
        let args = match args {
            Ok(args) => args,
            Err(e) => return Some(Outcome::fail(e)),
        };
        self.steps.push(json!({
            "id": id,
            "op": "invoke",
            "instance": inv.module.map(|m| m.name()),
            "name": inv.name,
            "args": args,
            "expect": expect,
        }));
        None
    }
}
