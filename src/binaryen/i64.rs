//! `--js` with i64 at a core module's boundary: wasm2js passes each i64 as
//! two i32s and returns one's high word through `env.getTempRet0` /
//! `env.setTempRet0` (binaryen 132). The module's default export wraps the
//! imports it is given and the exports it returns (js-runtime/asmjs/i64.js),
//! so the glue keeps calling it with BigInts, as it calls wasm.

use std::fmt::Write;

use wasmparser::{FuncType, ValType};

/// The runtime the wrappers call, inlined into the module that needs it.
const RUNTIME: &str = include_str!("../../js-runtime/asmjs/i64.js");

/// A function signature as the runtime reads it: per param `I` (an i64) or
/// `.`, and the result's (empty without one).
#[derive(Clone, Debug)]
pub struct Sig {
    params: String,
    result: String,
}

impl Sig {
    /// The signature of `ty`; `None` if no i64 crosses (nothing to wrap).
    /// More than one result with an i64 is an error (wasm2js cannot lower it).
    pub fn of(ty: &FuncType, what: &str) -> Result<Option<Sig>, crate::Error> {
        let code = |t: &ValType| if *t == ValType::I64 { 'I' } else { '.' };
        let sig = Sig {
            params: ty.params().iter().map(code).collect(),
            result: ty.results().iter().map(code).collect(),
        };
        if !sig.params.contains('I') && !sig.result.contains('I') {
            return Ok(None);
        }
        if sig.result.len() > 1 {
            return Err(crate::Error::unsupported(format!(
                "--js: `{what}` returns several values with an i64, which wasm2js cannot pass"
            )));
        }
        Ok(Some(sig))
    }
}

/// The functions with an i64 at the boundary of one module.
#[derive(Default)]
pub struct Legalized {
    /// `(module, name, signature)` of imported functions.
    pub imports: Vec<(String, String, Sig)>,
    /// `(export index, signature)`: export `e{index}`.
    pub exports: Vec<(usize, Sig)>,
}

impl Legalized {
    /// The runtime, when some function needs it.
    pub fn runtime(&self) -> String {
        if self.imports.is_empty() && self.exports.is_empty() {
            return String::new();
        }
        RUNTIME
            .replace("export const ", "const ")
            .replace("export function ", "function ")
    }

    /// Statements that wrap `imports` before wasm2js's module reads them.
    pub fn wrap_imports(&self) -> String {
        if self.imports.is_empty() && self.exports.is_empty() {
            return String::new();
        }
        let mut out =
            String::from("  imports = { ...imports, env: { ...imports.env, ...tempRet0Env } };\n");
        for (module, name, sig) in &self.imports {
            let (m, n) = (json(module), json(name));
            writeln!(
                out,
                "  imports[{m}] = {{ ...imports[{m}], [{n}]: legalImport(imports[{m}][{n}], '{}', '{}') }};",
                sig.params, sig.result
            )
            .unwrap();
        }
        out
    }

    /// The expression for export `e{index}` of `ex`.
    pub fn export(&self, index: usize) -> String {
        match self.exports.iter().find(|(i, _)| *i == index) {
            Some((_, sig)) => format!(
                "legalExport(ex.e{index}, '{}', '{}')",
                sig.params, sig.result
            ),
            None => format!("ex.e{index}"),
        }
    }
}

fn json(s: &str) -> String {
    super::json_string(s)
}
