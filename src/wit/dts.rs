//! File layout of the TypeScript declarations for a world: one
//! `interfaces/<ns>-<pkg>-<iface>.d.ts` per interface and the root
//! `<name>.d.ts`, which re-exports the interfaces and declares the world's own
//! functions and types (and, in instantiation mode, `ImportObject`, the
//! world's export object and `instantiate`), shaped by [`DtsOptions`].

use std::collections::{HashMap, HashSet};

use wit_parser::{InterfaceId, Resolve, TypeDefKind, TypeOwner, WorldId, WorldItem, WorldKey};

use super::decl::{jsdoc, FuncStyle};
use super::file::{DeclFile, FileNames, Location};
use crate::export_surface::{ExportKind, ExportSurface};
use crate::names;
use crate::{Instantiation, OutputFile, Result, TranspileOptions};

/// Options for the generated `.d.ts` files.
#[derive(Debug, Clone, Default)]
pub struct DtsOptions {
    /// `Esm`: the root file declares the exports directly. `Async`/`Sync`:
    /// it declares `ImportObject`, the export object and `instantiate`.
    pub instantiation: Instantiation,
    /// `(pattern, replacement)` import specifier maps (`*` is a wildcard);
    /// they name the `ImportObject` keys.
    pub map: Vec<(String, String)>,
    /// ESM without top-level await: the exports are assigned once the
    /// exported `$init` promise resolves, so declare `$init` (as jco does).
    pub tla_compat: bool,
    /// `--async-mode jspi`'s lists: exports that return Promises, imports
    /// that may (only `async_mode`, `async_imports`, `async_exports` are read).
    pub jspi: TranspileOptions,
}

impl From<&TranspileOptions> for DtsOptions {
    fn from(opts: &TranspileOptions) -> DtsOptions {
        DtsOptions {
            instantiation: opts.instantiation,
            map: opts.map.clone(),
            tla_compat: opts.tla_compat,
            jspi: opts.clone(),
        }
    }
}

/// A unique-name allocator for identifiers declared in the root file.
#[derive(Default)]
struct Locals {
    taken: HashSet<String>,
}

impl Locals {
    fn claim(&mut self, goal: String) -> String {
        let mut name = goal.clone();
        let mut n = 1;
        while !self.taken.insert(name.clone()) {
            name = format!("{goal}{n}");
            n += 1;
        }
        name
    }
}

/// One member of the `ImportObject` type.
struct ImportEntry {
    /// The key the glue looks the import up by: the mapped specifier
    /// (`module`, or `module#member` when mapped to a member).
    key: String,
    ty: ImportType,
    /// Nothing to provide (an interface of types only): the key may be left out.
    optional: bool,
}

/// What an import provides.
enum ImportType {
    /// An interface: `typeof Local` of its declaration file.
    Namespace(String),
    /// A world-level function: its arrow type and the member lines of the
    /// `{ default(...) }` object form.
    Function(String, String),
    /// A root-level resource: its class.
    Class(String),
}

impl ImportType {
    fn text(&self) -> String {
        match self {
            ImportType::Namespace(local) => format!("typeof {local}"),
            ImportType::Class(class) => format!("typeof {class} | {{ default: typeof {class} }}"),
            ImportType::Function(arrow, members) => {
                let body: String = members.lines().map(|l| format!("    {l}\n")).collect();
                format!("({arrow}) | {{\n{body}  }}")
            }
        }
    }
}

/// Writes the `.d.ts` files for `world`.
pub(crate) fn world_files(
    resolve: &Resolve,
    world_id: WorldId,
    name: &str,
    opts: &DtsOptions,
) -> Result<Vec<OutputFile>> {
    let world = &resolve.worlds[world_id];
    let mut root = RootFile::new(resolve, world_id, opts);
    // Imports in jco's order: plain-named interfaces and types as the world
    // lists them, then functions, then `ns:pkg/iface` interfaces by name.
    let (mut named, plain): (Vec<_>, Vec<_>) = world
        .imports
        .iter()
        .map(|(key, item)| (key, resolve.name_world_key(key), item))
        .partition(|(key, _, item)| {
            matches!(
                (key, item),
                (WorldKey::Interface(_), WorldItem::Interface { .. })
            )
        });
    named.sort_by(|a, b| a.1.cmp(&b.1));
    let (funcs, plain): (Vec<_>, Vec<_>) = plain
        .into_iter()
        .partition(|(_, _, item)| matches!(item, WorldItem::Function(_)));
    for (_, key_name, item) in plain.into_iter().chain(funcs).chain(named) {
        root.import(&key_name, item)
            .map_err(|e| e.in_path(format!("world import {key_name}")))?;
    }
    for (key, item) in world.exports.iter() {
        let key_name = resolve.name_world_key(key);
        root.export(&key_name, item)
            .map_err(|e| e.in_path(format!("world export {key_name}")))?;
    }

    // Interface files, including interfaces only reached through types.
    let mut out = Vec::new();
    let mut done = 0;
    while done < root.files.queue.len() {
        let id = root.files.queue[done];
        done += 1;
        let stem = root.files.stem(resolve, id, None);
        let exported = root.exported.contains(&id);
        let text = interface_file(resolve, id, exported, &mut root.files, &opts.jspi)?;
        out.push(OutputFile {
            path: format!("interfaces/{stem}.d.ts"),
            contents: text.into_bytes(),
        });
    }
    let text = root.finish();
    out.insert(
        0,
        OutputFile {
            path: format!("{name}.d.ts"),
            contents: text.into_bytes(),
        },
    );
    Ok(out)
}

/// The world's exports as JS sees them: the same decision the glue makes
/// (functions own their short names; an interface or resource gets its short
/// name only if no function and no earlier export has it).
fn export_surface(resolve: &Resolve, world_id: WorldId) -> ExportSurface {
    let exports: Vec<(String, ExportKind)> = resolve.worlds[world_id]
        .exports
        .iter()
        .filter_map(|(key, item)| {
            let kind = match item {
                WorldItem::Function(_) => ExportKind::Func,
                WorldItem::Interface { .. } => ExportKind::Interface(Vec::new()),
                WorldItem::Type { id, .. }
                    if matches!(resolve.types[*id].kind, TypeDefKind::Resource) =>
                {
                    ExportKind::Resource
                }
                WorldItem::Type { .. } => return None,
            };
            Some((resolve.name_world_key(key), kind))
        })
        .collect();
    ExportSurface::new(&exports)
}

/// The root `<name>.d.ts` being assembled from the world's imports and exports.
struct RootFile<'a> {
    resolve: &'a Resolve,
    world: WorldId,
    opts: &'a DtsOptions,
    instantiate: bool,
    files: FileNames,
    /// Interfaces only exported (their resources are disposable).
    exported: HashSet<InterfaceId>,
    /// The world's own types and functions.
    decls: DeclFile<'a>,
    /// `import type * as Local from ...` lines (instantiation mode).
    header: String,
    /// `export type * as` / `export * as` lines (ESM mode).
    lines: String,
    /// Local names of the header's namespace imports.
    locals: Locals,
    local_of: HashMap<InterfaceId, String>,
    imports: Vec<ImportEntry>,
    /// Members of the world's export object type (instantiation mode).
    members: String,
    /// Which export gets which short name (shared with the glue).
    surface: ExportSurface,
}

impl<'a> RootFile<'a> {
    fn new(resolve: &'a Resolve, world_id: WorldId, opts: &'a DtsOptions) -> Self {
        let world = &resolve.worlds[world_id];
        let mut files = FileNames::default();
        // Name the files of the world's interfaces first, so anonymous
        // interfaces are named after their import/export name.
        for (key, item) in world.imports.iter().chain(world.exports.iter()) {
            if let WorldItem::Interface { id, .. } = item {
                files.stem(resolve, *id, Some(&resolve.name_world_key(key)));
            }
        }
        // Resources of exported interfaces are disposable, unless the world
        // also imports the interface: the one file then also types what the
        // host provides, which need not be disposable (jco does the same).
        let imported = interface_ids(world.imports.values());
        let exported = interface_ids(world.exports.values())
            .into_iter()
            .filter(|id| !imported.contains(id))
            .collect();
        let mut decls = DeclFile::new(resolve, TypeOwner::World(world_id), Location::Root, true);
        decls.jspi = Some(opts.jspi.clone());
        // Namespace names must not clash with the world's own type names.
        let locals = Locals {
            taken: decls.locals().clone(),
        };
        let surface = export_surface(resolve, world_id);
        RootFile {
            resolve,
            world: world_id,
            opts,
            instantiate: opts.instantiation != Instantiation::Esm,
            files,
            exported,
            decls,
            header: String::new(),
            lines: String::new(),
            locals,
            local_of: HashMap::new(),
            imports: Vec::new(),
            members: String::new(),
            surface,
        }
    }

    /// The local name of an interface's namespace, imported in the header
    /// (`import type * as Local from './interfaces/x.js'`) on first use.
    fn namespace(&mut self, id: InterfaceId, key_name: &str) -> String {
        if let Some(local) = self.local_of.get(&id) {
            return local.clone();
        }
        let stem = self.files.stem(self.resolve, id, Some(key_name));
        let local = self.locals.claim(names::upper_camel(&stem));
        self.header.push_str(&format!(
            "import type * as {local} from './interfaces/{stem}.js'; // {key_name}\n"
        ));
        self.local_of.insert(id, local.clone());
        local
    }

    fn import(&mut self, key_name: &str, item: &WorldItem) -> Result<()> {
        match item {
            WorldItem::Interface { id, .. } => {
                if self.instantiate {
                    let local = self.namespace(*id, key_name);
                    let iface = &self.resolve.interfaces[*id];
                    let optional = iface.functions.is_empty()
                        && !iface
                            .types
                            .values()
                            .any(|t| matches!(self.resolve.types[*t].kind, TypeDefKind::Resource));
                    self.imports.push(ImportEntry {
                        key: import_key(key_name, &self.opts.map),
                        ty: ImportType::Namespace(local),
                        optional,
                    });
                } else {
                    let stem = self.files.stem(self.resolve, *id, Some(key_name));
                    let alias = self.locals.claim(names::upper_camel(key_name));
                    self.lines.push_str(&format!(
                        "export type * as {alias} from './interfaces/{stem}.js'; // import {key_name}\n"
                    ));
                }
            }
            // Functions of world-level resources declare their class.
            WorldItem::Function(func) if func.kind.resource().is_some() => {
                self.decls
                    .function(func, FuncStyle::Declaration, &mut self.files)?;
            }
            // Only the instantiation API names imported functions; in ESM
            // mode they are imports of the glue, not declarations.
            WorldItem::Function(func) if self.instantiate => {
                let (arrow, members) = self.decls.import_function(func, &mut self.files)?;
                self.imports.push(ImportEntry {
                    key: import_key(key_name, &self.opts.map),
                    ty: ImportType::Function(arrow, members),
                    optional: false,
                });
            }
            WorldItem::Function(_) => {}
            WorldItem::Type { id, .. } => {
                self.decls.typedef(*id, &mut self.files)?;
                // A root-level imported resource: the host's class, keyed by
                // the resource's name (as jco).
                if self.instantiate && matches!(self.resolve.types[*id].kind, TypeDefKind::Resource)
                {
                    self.imports.push(ImportEntry {
                        key: import_key(key_name, &self.opts.map),
                        ty: ImportType::Class(names::upper_camel(key_name)),
                        optional: false,
                    });
                }
            }
        }
        Ok(())
    }

    fn export(&mut self, key_name: &str, item: &WorldItem) -> Result<()> {
        match item {
            WorldItem::Interface { id, .. } => {
                let camel = names::interface_export_name(key_name);
                let has_short = self.surface.short_name(key_name).is_some();
                if self.instantiate {
                    let local = self.namespace(*id, key_name);
                    let key = names::property_key(key_name);
                    self.members
                        .push_str(&format!("  {key}: typeof {local},\n"));
                    if has_short && camel != key_name {
                        let key = names::property_key(&camel);
                        self.members
                            .push_str(&format!("  {key}: typeof {local},\n"));
                    }
                } else {
                    let stem = self.files.stem(self.resolve, *id, Some(key_name));
                    self.lines.push_str(&if has_short {
                        let export = if names::is_identifier(&camel) {
                            camel
                        } else {
                            names::quote(&camel)
                        };
                        format!(
                            "export * as {export} from './interfaces/{stem}.js'; // export {key_name}\n"
                        )
                    } else {
                        format!(
                            "// export {key_name} ('./interfaces/{stem}.js'): `{camel}` is taken, \
                             so it is only exported under its full name\n"
                        )
                    });
                }
            }
            WorldItem::Function(func) => {
                let style = if self.instantiate {
                    FuncStyle::Member
                } else {
                    FuncStyle::Declaration
                };
                self.decls.function(func, style, &mut self.files)?;
            }
            WorldItem::Type { id, .. } => self.decls.typedef(*id, &mut self.files)?,
        }
        Ok(())
    }

    /// The text of the root file.
    fn finish(mut self) -> String {
        let world = &self.resolve.worlds[self.world];
        let world_id_name = match world.package {
            Some(pkg) => self.resolve.id_of_name(pkg, &world.name),
            None => world.name.clone(),
        };
        let mut text = format!("// world {world_id_name}\n");
        text.push_str(&self.header);
        text.push_str(&self.lines);
        let globals = Globals {
            wasm: self.decls.global("WebAssembly"),
            record: self.decls.global("Record"),
            promise: self.decls.global("Promise"),
        };
        let members = std::mem::take(&mut self.decls.members);
        text.push_str(&self.decls.finish());
        if self.opts.tla_compat && !self.instantiate {
            text.push_str(&format!(
                "/** Resolves once the component is instantiated and its exports are set. */\n\
                 export const $init: {}<void>;\n",
                globals.promise
            ));
        }
        if self.instantiate {
            let world_type = names::type_name(&world.name);
            text.push_str("export interface ImportObject {\n");
            text.push_str(&import_object_members(self.imports));
            text.push_str("}\n");
            text.push_str(&format!(
                "export interface {world_type} {{\n{}{members}}}\n",
                self.members
            ));
            text.push_str(&instantiate_decl(
                &world_type,
                self.opts.instantiation,
                &globals,
            ));
        }
        text
    }
}

/// The interfaces among world items.
fn interface_ids<'x>(items: impl Iterator<Item = &'x WorldItem>) -> Vec<InterfaceId> {
    items
        .filter_map(|item| match item {
            WorldItem::Interface { id, .. } => Some(*id),
            _ => None,
        })
        .collect()
}

/// The `ImportObject` key of an import: its specifier after `--map`, with
/// `#member` kept (the glue reads `imports['module#member']`).
fn import_key(name: &str, map: &[(String, String)]) -> String {
    let spec = names::map_import(name, map);
    match spec.member {
        Some(member) => format!("{}#{member}", spec.module),
        None => spec.module,
    }
}

/// The members of `ImportObject`, one per key (imports mapped to the same
/// key must satisfy all their types).
fn import_object_members(entries: Vec<ImportEntry>) -> String {
    let mut keys: Vec<(String, Vec<String>, bool)> = Vec::new();
    for entry in entries {
        let ty = entry.ty.text();
        match keys.iter_mut().find(|(k, _, _)| *k == entry.key) {
            Some((_, types, optional)) => {
                types.push(ty);
                *optional &= entry.optional;
            }
            None => keys.push((entry.key, vec![ty], entry.optional)),
        }
    }
    keys.iter()
        .map(|(key, types, optional)| {
            let q = if *optional { "?" } else { "" };
            format!(
                "  {}{q}: {},\n",
                names::property_key(key),
                types.join(" & ")
            )
        })
        .collect()
}

/// The `instantiate` declaration (same shape as jco's).
fn instantiate_decl(world_type: &str, mode: Instantiation, globals: &Globals) -> String {
    let Globals {
        wasm,
        record,
        promise,
    } = globals;
    let doc = "/**
 * Instantiates this component with the provided imports and
 * returns a map of all the exports of the component.
 *
 * This function is intended to be similar to the
 * `WebAssembly.instantiate` function. The second `imports`
 * argument is the \"import object\" for wasm, except here it
 * uses component-model-layer types instead of core wasm
 * integers/numbers/etc.
 *
 * The first argument to this function, `getCoreModule`, is
 * used to compile core wasm modules within the component.
 * Components are composed of core wasm modules and this callback
 * will be invoked per core wasm module. The caller of this
 * function is responsible for reading the core wasm module
 * identified by `path` and returning its compiled
 * `WebAssembly.Module` object. This would use `compileStreaming`
 * on the web, for example.
 */
";
    match mode {
        Instantiation::Esm => String::new(),
        Instantiation::Async => format!(
            "{doc}export function instantiate(
  getCoreModule: (path: string) => {wasm}.Module | {promise}<{wasm}.Module>,
  imports: ImportObject,
  instantiateCore?: (module: {wasm}.Module, imports: {record}<string, any>) => {wasm}.Instance | {promise}<{wasm}.Instance>
): {promise}<{world_type}>;
"
        ),
        Instantiation::Sync => format!(
            "{doc}export function instantiate(
  getCoreModule: (path: string) => {wasm}.Module,
  imports: ImportObject,
  instantiateCore?: (module: {wasm}.Module, imports: {record}<string, any>) => {wasm}.Instance
): {world_type};
"
        ),
    }
}

/// Names of the globals `instantiate` refers to, as written in the root file.
struct Globals {
    wasm: String,
    record: String,
    promise: String,
}

/// The declaration file of one interface.
fn interface_file(
    resolve: &Resolve,
    id: InterfaceId,
    exported: bool,
    files: &mut FileNames,
    jspi: &crate::TranspileOptions,
) -> Result<String> {
    let iface = &resolve.interfaces[id];
    let id_name = files.display_name(id).to_string();
    let mut file = DeclFile::new(
        resolve,
        TypeOwner::Interface(id),
        Location::Interface,
        exported,
    );
    file.jspi = Some(jspi.clone());
    for (fname, func) in iface.functions.iter() {
        file.function(func, FuncStyle::Declaration, files)
            .map_err(|e| e.in_path(format!("interface {id_name}, function {fname}")))?;
    }
    for (tname, ty) in iface.types.iter() {
        file.typedef(*ty, files)
            .map_err(|e| e.in_path(format!("interface {id_name}, type {tname}")))?;
    }
    let mut text = String::new();
    match &iface.docs.contents {
        Some(docs) => {
            let docs = format!("@module Interface {id_name}\n\n{docs}");
            jsdoc(&mut text, "", Some(&docs), &[]);
        }
        None => text.push_str(&format!("/** @module Interface {id_name} **/\n")),
    }
    let empty = file.is_empty();
    text.push_str(&file.finish());
    if empty {
        text.push_str("export {};\n");
    }
    Ok(text)
}
