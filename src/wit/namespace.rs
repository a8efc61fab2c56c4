//! jco's value style in the `.d.ts`: the declared type of a flags value
//! (`bigint`), enum values (`'DARK_BLUE'`), and the namespace object declared
//! beside a flags, enum or variant type (`export const Color: { ... }`),
//! also beside a `use`d or aliased one, as jco does. The glue builds the
//! objects themselves from [`namespace_of`] (`emit::namespaces`).

use std::collections::HashMap;

use wit_parser::{Resolve, Type, TypeDefKind, TypeId, TypeOwner, WorldItem};

use super::decode::decode;
use super::file::{DeclFile, FileNames};
use crate::value_style::{namespace_key, NamespaceKind, ValueStyle};
use crate::Result;

/// One namespace object the glue defines: its kind and the WIT names of its
/// cases (flags, enum cases or variant cases with whether each has a payload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceObject {
    pub kind: NamespaceKind,
    pub cases: Vec<(String, bool)>,
}

/// The namespace objects of a component's exports: each object once, and by
/// export name (`ns:pkg/iface@1.0.0`, or `""` for the world itself) the
/// members to add, `(TypeName, index into objects)`.
#[derive(Debug, Default)]
pub struct ExportNamespaces {
    pub objects: Vec<NamespaceObject>,
    pub members: HashMap<String, Vec<(String, usize)>>,
}

/// The namespace objects the glue exports under `style`: one per flags,
/// enum or variant type an exported interface defines or `use`s, and the
/// world's own (`use`d at the world level) at the root.
pub fn export_namespaces(component: &[u8], style: ValueStyle) -> Result<ExportNamespaces> {
    let mut out = ExportNamespaces::default();
    if !style.any_namespace() {
        return Ok(out);
    }
    let (resolve, world) = decode(component)?;
    let world = &resolve.worlds[world];
    let mut index: HashMap<TypeId, usize> = HashMap::new();
    let mut add = |export: String, types: Vec<(String, TypeId)>| {
        for (name, id) in types {
            let Some((kind, target)) = namespace_of(&resolve, id, style) else {
                continue;
            };
            let i = *index.entry(target).or_insert_with(|| {
                out.objects.push(NamespaceObject {
                    kind,
                    cases: cases(&resolve.types[target].kind),
                });
                out.objects.len() - 1
            });
            let key = crate::names::type_name(&name);
            out.members
                .entry(export.clone())
                .or_default()
                .push((key, i));
        }
    };
    for (key, item) in &world.exports {
        if let WorldItem::Interface { id, .. } = item {
            let types = resolve.interfaces[*id].types.iter();
            add(
                resolve.name_world_key(key),
                types.map(|(n, t)| (n.clone(), *t)).collect(),
            );
        }
    }
    let world_types = world.imports.iter().chain(&world.exports);
    let world_types = world_types.filter_map(|(key, item)| match item {
        WorldItem::Type { id, .. } => Some((resolve.name_world_key(key), *id)),
        _ => None,
    });
    add(String::new(), world_types.collect());
    Ok(out)
}

/// The cases of a flags, enum or variant type.
fn cases(kind: &TypeDefKind) -> Vec<(String, bool)> {
    match kind {
        TypeDefKind::Flags(f) => f.flags.iter().map(|f| (f.name.clone(), false)).collect(),
        TypeDefKind::Enum(e) => e.cases.iter().map(|c| (c.name.clone(), false)).collect(),
        TypeDefKind::Variant(v) => (v.cases.iter())
            .map(|c| (c.name.clone(), c.ty.is_some()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The kind of namespace object type `id` has under `style` (following
/// aliases and `use`s), with the type it belongs to.
pub(crate) fn namespace_of(
    resolve: &Resolve,
    id: TypeId,
    style: ValueStyle,
) -> Option<(NamespaceKind, TypeId)> {
    let mut id = id;
    loop {
        let kind = match &resolve.types[id].kind {
            TypeDefKind::Type(Type::Id(inner)) => {
                id = *inner;
                continue;
            }
            TypeDefKind::Flags(_) => NamespaceKind::Flags,
            TypeDefKind::Enum(_) => NamespaceKind::Enum,
            TypeDefKind::Variant(_) => NamespaceKind::Variant,
            _ => return None,
        };
        let style = style.for_interface(&owner_name(resolve, id));
        return style.has_namespace(kind).then_some((kind, id));
    }
}

/// `ns:pkg/iface@version` of the interface owning type `id` (else empty).
fn owner_name(resolve: &Resolve, id: TypeId) -> String {
    match resolve.types[id].owner {
        TypeOwner::Interface(i) => resolve.id_of(i).unwrap_or_default(),
        _ => String::new(),
    }
}

impl DeclFile<'_> {
    /// The value style the file is written in (WASI's interfaces keep the
    /// default: [`ValueStyle::for_interface`]).
    pub(super) fn style(&self) -> ValueStyle {
        let style = self
            .jspi
            .as_ref()
            .map(|o| o.value_style)
            .unwrap_or_default();
        match self.scope {
            TypeOwner::Interface(i) => {
                style.for_interface(&self.resolve.id_of(i).unwrap_or_default())
            }
            _ => style,
        }
    }

    /// `export const Name: { ... };` for the type declared here as `name`
    /// (`id`, possibly an alias), or nothing.
    pub(super) fn namespace_decl(
        &mut self,
        name: &str,
        id: TypeId,
        names: &mut FileNames,
    ) -> Result<String> {
        let Some((_, target)) = namespace_of(self.resolve, id, self.style()) else {
            return Ok(String::new());
        };
        let mut members = String::new();
        match &self.resolve.types[target].kind {
            TypeDefKind::Flags(f) => {
                for flag in &f.flags {
                    members += &format!("  readonly {}: bigint,\n", namespace_key(&flag.name));
                }
            }
            TypeDefKind::Enum(e) => {
                for case in &e.cases {
                    let value = self.style().enum_literal(&case.name);
                    members += &format!("  readonly {}: {value},\n", namespace_key(&case.name));
                }
            }
            TypeDefKind::Variant(v) => {
                for case in &v.cases {
                    let param = match &case.ty {
                        Some(ty) => format!("val: {}", self.ty(ty, names)?.text),
                        None => String::new(),
                    };
                    let tag = crate::names::quote(&case.name);
                    members += &format!(
                        "  readonly {}: ({param}) => Extract<{name}, {{ tag: {tag} }}>,\n",
                        namespace_key(&case.name)
                    );
                }
            }
            _ => unreachable!("namespace_of returns flags, enums and variants"),
        }
        Ok(format!("export const {name}: {{\n{members}}};\n"))
    }
}
