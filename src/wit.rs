//! The WIT view of a component: its world printed as WIT, and TypeScript
//! declarations (`.d.ts`) for the JS API the transpiled glue exposes, following
//! jco's type conventions so weft's output is a drop-in replacement.
//!
//! Names come from `crate::names` (shared with the glue). Modules, each
//! using only those before it: `decode` (the component's resolved world),
//! `file` (the state of one declaration file and the interfaces' file
//! stems), `ts` (TypeScript type expressions for WIT types), `namespace`
//! (jco's namespace objects), `decl` (declarations in one file: types,
//! functions, resource classes), `dts` (which files exist and what the root
//! `<name>.d.ts` declares) and `guest` (the same files as ambient modules
//! for a component author, `weft guest-types`).
//!
//! Conventions shared with the glue: an `option<T>` is `T | undefined` unless
//! T is itself an option (then `{ tag: 'none' } | { tag: 'some', val: T }`);
//! a function returning `result<T, E>` returns T and throws a
//! `ComponentError` whose `payload` is E; `ImportObject` keys are the mapped,
//! version-free specifiers (`module#member` when mapped to a member).

mod decl;
mod decode;
mod dts;
mod file;
mod guest;
mod namespace;
mod ts;

use decode::decode;
pub use dts::DtsOptions;
pub use namespace::{export_namespaces, ExportNamespaces, NamespaceObject};
pub use wit_parser::{Resolve, WorldId};

use wit_component::WitPrinter;

use crate::{Error, OutputFile, Result, TranspileOptions};

/// WIT text of a component's world (what `weft wit app.wasm` prints): the
/// component's own package with the packages it uses nested inside, like
/// `wasm-tools component wit`.
pub fn component_wit(component: &[u8]) -> Result<String> {
    let (resolve, world) = decode(component)?;
    let main = resolve.worlds[world]
        .package
        .ok_or_else(|| Error::invalid("decoded world has no package", None))?;
    // The packages the world uses are printed nested, so the text is complete.
    let others: Vec<_> = resolve
        .packages
        .iter()
        .map(|(id, _)| id)
        .filter(|id| *id != main)
        .collect();
    let mut printer = WitPrinter::default();
    printer
        .print(&resolve, main, &others)
        .map_err(|e| Error::invalid(format!("cannot print WIT: {e:#}"), None))?;
    Ok(printer.output.to_string())
}

/// `.d.ts` files for a component: `<name>.d.ts` plus one
/// `interfaces/<ns>-<pkg>-<iface>.d.ts` per imported or exported interface.
pub fn component_dts(component: &[u8], name: &str, opts: &DtsOptions) -> Result<Vec<OutputFile>> {
    let (resolve, world) = decode(component)?;
    world_dts(&resolve, world, name, opts)
}

/// Same as [`component_dts`], from an already-parsed [`Resolve`] and world
/// (for `weft types <wit dir>`).
pub fn world_dts(
    resolve: &Resolve,
    world: WorldId,
    name: &str,
    opts: &DtsOptions,
) -> Result<Vec<OutputFile>> {
    dts::world_files(resolve, world, name, opts)
}

/// [`component_dts`] with the transpiler's options (`name`, `instantiation`,
/// `map`): the `.d.ts` files `weft transpile` writes.
pub fn component_dts_for(component: &[u8], opts: &TranspileOptions) -> Result<Vec<OutputFile>> {
    component_dts(component, &opts.name, &DtsOptions::from(opts))
}

/// `weft guest-types`: the host `.d.ts` files of a world (generated in ESM
/// mode) turned into what an author implementing the world in JS needs, one
/// `declare module '<WIT id>'` per file: the world's module declares what the
/// author exports, the interface modules what they may import.
pub fn guest_dts(host_files: Vec<OutputFile>) -> Result<Vec<OutputFile>> {
    guest::guest_files(host_files)
}

/// For `weft types <path>`: reads a WIT file or directory (with its `deps/`),
/// selects `world` (needed only if the package has several) and returns the
/// `.d.ts` files. The only function here that touches the file system.
pub fn dts_from_wit_path(
    path: &std::path::Path,
    world: Option<&str>,
    opts: &TranspileOptions,
) -> Result<Vec<OutputFile>> {
    if !path.exists() {
        return Err(Error::io(format!(
            "{}: no such file or directory",
            path.display()
        )));
    }
    let mut resolve = Resolve {
        features: opts.features.iter().cloned().collect(),
        all_features: opts.all_features,
        ..Resolve::default()
    };
    let (pkg, _) = resolve
        .push_path(path)
        .map_err(|e| Error::invalid(format!("{}: {e:#}", path.display()), None))?;
    let world = resolve
        .select_world(&[pkg], world)
        .map_err(|e| Error::invalid(format!("{}: {e:#}", path.display()), None))?;
    world_dts(&resolve, world, &opts.name, &DtsOptions::from(opts))
}
