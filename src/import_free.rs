//! Which exported functions of a core module never call one of its imports.
//!
//! Host code (JS) can run inside a component's core code only through the
//! core imports: host functions, the canonical built-ins, adapters to other
//! components. A lifted export whose core function reaches no import, through
//! any chain of calls, therefore runs no JS until it returns: the glue may
//! skip what exists only for JS that runs mid-call (clearing and restoring
//! the `may_enter` flags, the async ABI's current thread).
//!
//! The call graph is read from the code section: `call` and `return_call`
//! edges, plus, for a function with an indirect call (`call_indirect`,
//! `call_ref`), every function that can be in a table or a `funcref` value
//! (element segments, `ref.func`). When a table or function reference can come
//! from outside the module (an imported table or reference global, an
//! exported table), an indirect call counts as reaching an import.

use std::collections::{HashMap, HashSet};

use wasmparser::{
    ConstExpr, ElementItems, ExternalKind, Operator, Parser, Payload, RefType, TypeRef, ValType,
};

use crate::{Error, Result};

/// The call graph of one module's functions (imports first, as in wasm).
#[derive(Default)]
struct CallGraph {
    imported: u32,
    /// Per defined function: its direct callees and whether it calls indirectly.
    calls: Vec<(Vec<u32>, bool)>,
    /// Functions that can be called indirectly.
    addressable: HashSet<u32>,
    /// A table or function reference may come from outside the module.
    open: bool,
    exports: HashMap<String, u32>,
}

/// The names of the exported functions of `wasm` that reach no import.
pub fn import_free_exports(wasm: &[u8]) -> Result<HashSet<String>> {
    let g = CallGraph::read(wasm).map_err(|e| Error::invalid(format!("core module: {e}"), None))?;
    let indirect_free = g.indirect_calls_free();
    Ok(g.exports
        .iter()
        .filter(|(_, &f)| g.reaches_no_import(f, indirect_free))
        .map(|(name, _)| name.clone())
        .collect())
}

impl CallGraph {
    fn read(wasm: &[u8]) -> wasmparser::Result<CallGraph> {
        let mut g = CallGraph::default();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::ImportSection(r) => {
                    for imp in r.into_imports() {
                        match imp?.ty {
                            TypeRef::Func(_) | TypeRef::FuncExact(_) => g.imported += 1,
                            TypeRef::Table(_) => g.open = true,
                            TypeRef::Global(t) => g.open |= holds_func_ref(t.content_type),
                            _ => {}
                        }
                    }
                }
                Payload::GlobalSection(r) => {
                    for global in r {
                        g.add_addressable(&global?.init_expr)?;
                    }
                }
                Payload::ExportSection(r) => {
                    for e in r {
                        let e = e?;
                        match e.kind {
                            ExternalKind::Func | ExternalKind::FuncExact => {
                                g.exports.insert(e.name.to_string(), e.index);
                            }
                            ExternalKind::Table => g.open = true,
                            _ => {}
                        }
                    }
                }
                Payload::ElementSection(r) => {
                    for elem in r {
                        match elem?.items {
                            ElementItems::Functions(fs) => {
                                for f in fs {
                                    g.addressable.insert(f?);
                                }
                            }
                            ElementItems::Expressions(_, es) => {
                                for e in es {
                                    g.add_addressable(&e?)?;
                                }
                            }
                        }
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    let mut callees = Vec::new();
                    let mut indirect = false;
                    let mut ops = body.get_operators_reader()?;
                    while !ops.eof() {
                        match ops.read()? {
                            Operator::Call { function_index }
                            | Operator::ReturnCall { function_index } => {
                                callees.push(function_index)
                            }
                            Operator::CallIndirect { .. }
                            | Operator::ReturnCallIndirect { .. }
                            | Operator::CallRef { .. }
                            | Operator::ReturnCallRef { .. } => indirect = true,
                            Operator::RefFunc { function_index } => {
                                g.addressable.insert(function_index);
                            }
                            _ => {}
                        }
                    }
                    g.calls.push((callees, indirect));
                }
                _ => {}
            }
        }
        Ok(g)
    }

    /// `ref.func` in a constant expression makes its function addressable.
    fn add_addressable(&mut self, e: &ConstExpr<'_>) -> wasmparser::Result<()> {
        let mut ops = e.get_operators_reader();
        while !ops.eof() {
            if let Operator::RefFunc { function_index } = ops.read()? {
                self.addressable.insert(function_index);
            }
        }
        Ok(())
    }

    /// Whether an indirect call can only reach functions that reach no import.
    fn indirect_calls_free(&self) -> bool {
        if self.open {
            return false;
        }
        // Walk from every addressable function at once, assuming indirect
        // calls free: if nothing reached is an import, the assumption holds.
        let mut seen = HashSet::new();
        let mut work: Vec<u32> = self.addressable.iter().copied().collect();
        while let Some(f) = work.pop() {
            if !seen.insert(f) {
                continue;
            }
            let Some((callees, _)) = self.defined(f) else {
                return false;
            };
            work.extend(callees);
        }
        true
    }

    fn reaches_no_import(&self, from: u32, indirect_free: bool) -> bool {
        let mut seen = HashSet::new();
        let mut work = vec![from];
        while let Some(f) = work.pop() {
            if !seen.insert(f) {
                continue;
            }
            match self.defined(f) {
                None => return false,
                Some((_, true)) if !indirect_free => return false,
                Some((callees, _)) => work.extend(callees),
            }
        }
        true
    }

    /// A defined function's calls (None: an import, or out of range).
    fn defined(&self, f: u32) -> Option<&(Vec<u32>, bool)> {
        f.checked_sub(self.imported)
            .and_then(|i| self.calls.get(i as usize))
    }
}

/// A global of this type can hold a function reference.
fn holds_func_ref(t: ValType) -> bool {
    match t {
        ValType::Ref(r) => r != RefType::EXTERNREF && r != RefType::NULLEXTERNREF,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::import_free_exports;

    fn free(wat: &str) -> Vec<String> {
        let wasm = wat::parse_str(wat).unwrap();
        let mut v: Vec<String> = import_free_exports(&wasm).unwrap().into_iter().collect();
        v.sort();
        v
    }

    #[test]
    fn direct_calls_decide() {
        let m = r#"(module
            (import "h" "f" (func $h))
            (func $leaf (result i32) i32.const 1)
            (func $mid (result i32) call $leaf)
            (func $bad (call $h))
            (func $deep (call $bad))
            (func (export "pure") (result i32) call $mid)
            (func (export "tail") (result i32) return_call $mid)
            (func (export "impure") call $deep)
            (export "import" (func $h)))"#;
        assert_eq!(free(m), ["pure", "tail"]);
    }

    #[test]
    fn indirect_calls_reach_every_addressable_function() {
        let closed = r#"(module
            (import "h" "f" (func $h))
            (table 1 funcref)
            (elem (i32.const 0) $leaf)
            (func $leaf)
            (func (export "ind") (call_indirect (i32.const 0))))"#;
        assert_eq!(free(closed), ["ind"]);
        let with_import = closed.replace("(elem (i32.const 0) $leaf)", "(elem (i32.const 0) $h)");
        assert!(free(&with_import).is_empty());
        // Through a ref.func of a function that calls the import.
        let by_ref = closed.replace(
            "(func $leaf)",
            "(func $leaf) (func $calls (call $h)) (func (drop (ref.func $calls)))",
        );
        let by_ref = by_ref.replace(
            "(elem (i32.const 0) $leaf)",
            "(elem (i32.const 0) $leaf) (elem declare func $calls)",
        );
        assert!(free(&by_ref).is_empty());
    }

    #[test]
    fn typed_function_references_count_as_indirect_calls() {
        let m = r#"(module
            (import "h" "f" (func $h))
            (type $t (func))
            (func $leaf)
            (func $calls (call $h))
            (elem declare func $leaf $calls)
            (func (export "by-ref") (call_ref $t (ref.func $leaf)))
            (func (export "tail-by-ref") (return_call_ref $t (ref.func $leaf)))
            (func (export "plain")))"#;
        // `$calls` is addressable and reaches the import: any indirect call may.
        assert_eq!(free(m), ["plain"]);
        let without = m.replace("(func $calls (call $h))", "(func $calls)");
        assert_eq!(free(&without), ["by-ref", "plain", "tail-by-ref"]);
        // A function reference from outside (an imported funcref global) may be anything.
        let imported = without.replace(
            "(type $t (func))",
            "(type $t (func)) (import \"h\" \"g\" (global funcref))",
        );
        assert_eq!(free(&imported), ["plain"]);
    }

    #[test]
    fn tables_from_outside_count_as_imports() {
        let exported = r#"(module
            (table (export "t") 1 funcref)
            (func (export "ind") (call_indirect (i32.const 0)))
            (func (export "plain")))"#;
        assert_eq!(free(exported), ["plain"]);
        let imported = r#"(module
            (import "h" "t" (table 1 funcref))
            (func (export "ind") (call_indirect (i32.const 0))))"#;
        assert!(free(imported).is_empty());
    }
}
