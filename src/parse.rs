//! Reads a component binary into an IR that mirrors the spec's index spaces:
//! each (nested) component body is its list of definitions in order, plus the
//! validator's resolved types for it. Validation runs here, once, with every
//! component-model feature weft understands. No JS knowledge here.

use std::ops::Range;

use wasmparser::{
    types::Types, CanonicalFunction, ComponentAlias, ComponentExport, ComponentImport,
    ComponentInstance, ComponentStartFunction, Encoding, Instance, Parser, Payload, ValidPayload,
    Validator, WasmFeatures,
};

use crate::{Error, Result};

/// A parsed component: the root body and every core module (by global index).
pub struct ComponentIr<'a> {
    pub root: ComponentBody<'a>,
    /// Byte ranges of core modules in the input, in order of appearance.
    pub modules: Vec<Range<usize>>,
    /// Whether a core module has a 64-bit memory (defined or imported).
    pub memory64: bool,
}

/// One component's definitions in section order, with its validated types.
pub struct ComponentBody<'a> {
    pub items: Vec<(usize, Item<'a>)>,
    pub types: Types,
}

/// One definition; each adds to exactly one index space (or none).
pub enum Item<'a> {
    /// A core module, by global module index.
    CoreModule(usize),
    /// A nested component (its body).
    Component(Box<ComponentBody<'a>>),
    CoreInstance(Instance<'a>),
    CoreType,
    Instance(ComponentInstance<'a>),
    Alias(ComponentAlias<'a>),
    /// A component-level type definition; only resource definitions matter
    /// to the glue (the validator resolves everything else).
    Type(TypeDef),
    Canon(CanonicalFunction),
    Start(ComponentStartFunction),
    Import(ComponentImport<'a>),
    Export(ComponentExport<'a>),
}

#[derive(Debug, Clone, Copy)]
pub enum TypeDef {
    /// `(resource (rep i32) (dtor $f))`: the core function index of the destructor.
    Resource {
        dtor: Option<u32>,
    },
    Other,
}

/// The features weft validates with: the defaults plus the component-model
/// extensions the reference host (wasmtime) runs the reference tests with,
/// and `cm64` (64-bit memories in canonical options; `memory64` itself is a
/// default core feature).
/// Not `all()`: some proposals relax the name rules the defaults enforce.
pub fn features() -> WasmFeatures {
    WasmFeatures::default()
        | WasmFeatures::CM_MORE_ASYNC_BUILTINS
        | WasmFeatures::CM_THREADING
        | WasmFeatures::CM_ASYNC_STACKFUL
        | WasmFeatures::CM_IMPLEMENTS
        | WasmFeatures::CM_FIXED_LENGTH_LISTS
        | WasmFeatures::CM_MAP
        | WasmFeatures::CM_ERROR_CONTEXT
        | WasmFeatures::CM64
}

pub fn parse(bytes: &[u8]) -> Result<ComponentIr<'_>> {
    let mut validator = Validator::new_with_features(features());
    let mut stack: Vec<Vec<(usize, Item<'_>)>> = Vec::new();
    let mut modules = Vec::new();
    let mut in_module = false;
    let mut memory64 = false;
    let mut root = None;
    let mut seen_header = false;

    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        if !seen_header {
            seen_header = true;
            if let Payload::Version {
                encoding: Encoding::Module,
                range,
                ..
            } = &payload
            {
                return Err(Error::invalid(
                    "input is a core WebAssembly module, not a component \
                     (wrap it with `wasm-tools component new`)",
                    Some(range.start as usize),
                ));
            }
        }
        let mut valid = validator.payload(&payload)?;
        if let ValidPayload::Func(func, body) = valid {
            let mut v = func.into_validator(Default::default());
            v.validate(&body)?;
            valid = ValidPayload::Ok;
        }
        if in_module {
            if let Payload::End(_) = payload {
                in_module = false;
            }
            if let ValidPayload::End(types) = &valid {
                let t = types.as_ref();
                memory64 |= (0..t.memory_count()).any(|i| t.memory_at(i).memory64);
            }
            continue;
        }
        match payload {
            Payload::Version { .. } => stack.push(Vec::new()),
            Payload::ModuleSection {
                unchecked_range, ..
            } => {
                let items = stack.last_mut().unwrap();
                items.push((
                    unchecked_range.start as usize,
                    Item::CoreModule(modules.len()),
                ));
                modules.push(unchecked_range.start as usize..unchecked_range.end as usize);
                in_module = true;
            }
            Payload::ComponentSection { .. } => {}
            Payload::InstanceSection(s) => push_all(&mut stack, s, Item::CoreInstance)?,
            Payload::CoreTypeSection(s) => push_all(&mut stack, s, |_| Item::CoreType)?,
            Payload::ComponentInstanceSection(s) => push_all(&mut stack, s, Item::Instance)?,
            Payload::ComponentAliasSection(s) => push_all(&mut stack, s, Item::Alias)?,
            Payload::ComponentTypeSection(s) => push_all(&mut stack, s, |t| {
                Item::Type(match t {
                    wasmparser::ComponentType::Resource { dtor, .. } => TypeDef::Resource { dtor },
                    _ => TypeDef::Other,
                })
            })?,
            Payload::ComponentCanonicalSection(s) => push_all(&mut stack, s, Item::Canon)?,
            Payload::ComponentImportSection(s) => push_all(&mut stack, s, Item::Import)?,
            Payload::ComponentExportSection(s) => push_all(&mut stack, s, Item::Export)?,
            Payload::ComponentStartSection { start, range } => stack
                .last_mut()
                .unwrap()
                .push((range.start as usize, Item::Start(start))),
            Payload::End(offset) => {
                let types = match valid {
                    ValidPayload::End(types) => types,
                    _ => {
                        return Err(Error::invalid(
                            "unexpected end of component",
                            Some(offset as usize),
                        ))
                    }
                };
                let body = ComponentBody {
                    items: stack.pop().unwrap(),
                    types,
                };
                match stack.last_mut() {
                    Some(parent) => parent.push((offset as usize, Item::Component(Box::new(body)))),
                    None => root = Some(body),
                }
            }
            _ => {}
        }
    }
    let root = root.ok_or_else(|| Error::invalid("unexpected end of input", Some(bytes.len())))?;
    Ok(ComponentIr {
        root,
        modules,
        memory64,
    })
}

fn push_all<'a, T: wasmparser::FromReader<'a>>(
    stack: &mut [Vec<(usize, Item<'a>)>],
    section: wasmparser::SectionLimited<'a, T>,
    f: impl Fn(T) -> Item<'a>,
) -> Result<()> {
    let items = stack.last_mut().unwrap();
    for item in section.into_iter_with_offsets() {
        let (offset, item) = item?;
        let offset = offset as usize;
        items.push((offset, f(item)));
    }
    Ok(())
}
