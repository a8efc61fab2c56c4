//! What every `.d.ts` writer shares: the state of one declaration file
//! ([`DeclFile`]: its scope, location, text so far, the helper aliases and
//! resource classes it collects, the type names it declares) and the file
//! stems of the interfaces ([`FileNames`]). The writers add to it as `impl
//! DeclFile` blocks: `ts` (type expressions), `namespace` (namespace
//! objects), `decl` (declarations); `dts` lays the files out. This module
//! uses none of them.

use std::collections::{BTreeSet, HashMap, HashSet};

use wit_parser::{Docs, InterfaceId, Resolve, TypeDefKind, TypeId, TypeOwner, WorldItem};

use crate::names;

/// Where the file sits, for relative paths to interface files.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    /// `<name>.d.ts` next to the `interfaces/` folder.
    Root,
    /// `interfaces/<stem>.d.ts`.
    Interface,
}

/// Assigns each interface a unique declaration file stem and remembers which
/// interfaces still need their file written.
#[derive(Default)]
pub(crate) struct FileNames {
    /// Per interface: its file stem and the name it is known by (its id, or
    /// the world's import/export name for an anonymous interface).
    files: HashMap<InterfaceId, (String, String)>,
    taken: HashSet<String>,
    /// Interfaces whose stem was handed out, in order; the driver writes one
    /// file per entry.
    pub queue: Vec<InterfaceId>,
}

impl FileNames {
    /// The file stem for `id` (`ns-pkg-iface`), assigning one on first use.
    /// `key_name` names anonymous interfaces (the world's import/export name).
    pub fn stem(&mut self, resolve: &Resolve, id: InterfaceId, key_name: Option<&str>) -> String {
        if let Some((stem, _)) = self.files.get(&id) {
            return stem.clone();
        }
        let full = resolve
            .id_of(id)
            .or_else(|| key_name.map(str::to_string))
            .unwrap_or_else(|| format!("interface-{}", id.index()));
        // `ns-pkg-iface`, or with the version when another version of the
        // interface already has that name (`ns-pkg-iface-0-2-0`).
        let base = names::interface_file_stem(&full);
        let versioned = names::kebab(&full.replace(['/', ':', '@', '.'], "-"));
        let mut stem = base.clone();
        let mut n = 1;
        while !self.taken.insert(stem.clone()) {
            stem = if n == 1 && versioned != base {
                versioned.clone()
            } else {
                format!("{base}-{n}")
            };
            n += 1;
        }
        self.files.insert(id, (stem.clone(), full));
        self.queue.push(id);
        stem
    }

    /// The name an interface with a file is known by.
    pub fn display_name(&self, id: InterfaceId) -> &str {
        self.files
            .get(&id)
            .map(|(_, name)| name.as_str())
            .unwrap_or("<anonymous>")
    }
}

/// Helper type aliases a file may need, declared once at its end.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Helper {
    Option,
    Result,
    ErrorContext,
}

impl Helper {
    /// The name the helper would like to have.
    pub(super) fn base_name(self) -> &'static str {
        match self {
            Helper::Option => "Option",
            Helper::Result => "Result",
            Helper::ErrorContext => "ErrorContext",
        }
    }

    pub(super) fn declaration(self, name: &str) -> String {
        match self {
            Helper::Option => {
                format!("export type {name}<T> = {{ tag: 'none' }} | {{ tag: 'some', val: T }};\n")
            }
            Helper::Result => format!(
                "export type {name}<T, E> = {{ tag: 'ok', val: T }} | {{ tag: 'err', val: E }};\n"
            ),
            Helper::ErrorContext => format!(
                "/** An opaque component-model `error-context` value. */\n\
                 export interface {name} {{ readonly __errorContext: true }}\n"
            ),
        }
    }
}

/// A resource class being assembled from its type and its functions.
pub(super) struct Class {
    pub name: String,
    pub docs: Docs,
    pub has_constructor: bool,
    pub members: String,
}

/// The body of one declaration file.
pub(crate) struct DeclFile<'a> {
    pub(super) resolve: &'a Resolve,
    pub(super) scope: TypeOwner,
    pub(super) location: Location,
    /// Resources of this scope are exported by the component: the glue hands
    /// out instances, so the classes are disposable.
    pub(super) exported: bool,
    /// Functions and types, in declaration order.
    pub body: String,
    /// Functions declared as members of an object type
    /// (`decl::FuncStyle::Member`).
    pub members: String,
    pub(super) helpers: BTreeSet<Helper>,
    /// Type names declared in this file: builtins and helpers with the same
    /// name are written differently (`globalThis.Map`, `Option$`).
    pub(super) locals: HashSet<String>,
    /// The case type names of each variant declared here.
    pub(super) case_names: HashMap<TypeId, Vec<String>>,
    /// Resource classes, assembled as their functions are declared.
    pub(super) classes: Vec<(TypeId, Class)>,
    /// `--async-mode jspi`'s lists, when known (Promise return types).
    pub(super) jspi: Option<crate::TranspileOptions>,
    /// While typing a value JS provides (export params, import results):
    /// streams and futures accept more shapes.
    pub(super) js_provides: bool,
}

/// The type names a scope's declaration file defines: UpperCamel names of
/// its types, then per variant the names of its case types (`ShapeCircle`),
/// with `$` appended to a case type name that would clash with another name.
fn declared_names(
    resolve: &Resolve,
    scope: TypeOwner,
) -> (HashSet<String>, HashMap<TypeId, Vec<String>>) {
    let ids: Vec<TypeId> = match scope {
        TypeOwner::Interface(i) => resolve.interfaces[i].types.values().copied().collect(),
        TypeOwner::World(w) => {
            let world = &resolve.worlds[w];
            world
                .imports
                .values()
                .chain(world.exports.values())
                .filter_map(|item| match item {
                    WorldItem::Type { id, .. } => Some(*id),
                    _ => None,
                })
                .collect()
        }
        TypeOwner::None => Vec::new(),
    };
    let mut taken: HashSet<String> = ids
        .iter()
        .filter_map(|id| resolve.types[*id].name.as_deref().map(names::type_name))
        .collect();
    let mut cases = HashMap::new();
    for id in ids {
        let def = &resolve.types[id];
        let (Some(name), TypeDefKind::Variant(v)) = (&def.name, &def.kind) else {
            continue;
        };
        let mut case_names = Vec::new();
        for case in &v.cases {
            let mut case_name = names::type_name(&format!("{name}-{}", case.name));
            while !taken.insert(case_name.clone()) {
                case_name.push('$');
            }
            case_names.push(case_name);
        }
        cases.insert(id, case_names);
    }
    (taken, cases)
}

impl<'a> DeclFile<'a> {
    /// An empty file for `scope`'s declarations, its type names reserved.
    pub fn new(resolve: &'a Resolve, scope: TypeOwner, location: Location, exported: bool) -> Self {
        let (locals, case_names) = declared_names(resolve, scope);
        DeclFile {
            resolve,
            scope,
            location,
            exported,
            body: String::new(),
            members: String::new(),
            helpers: BTreeSet::new(),
            locals,
            case_names,
            classes: Vec::new(),
            jspi: None,
            js_provides: false,
        }
    }

    /// The type names declared in this file.
    pub fn locals(&self) -> &HashSet<String> {
        &self.locals
    }

    /// Path (ending in `.js`) of an interface's declaration file from this file.
    pub fn path_to(&self, stem: &str) -> String {
        match self.location {
            Location::Root => format!("./interfaces/{stem}.js"),
            Location::Interface => format!("./{stem}.js"),
        }
    }
}
