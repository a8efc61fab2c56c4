//! The index spaces of one component body: pushing items, reading them
//! back by kind, and turning what the root exports into plan export items.

use wasmparser::component_types::ComponentAnyTypeId;
use wasmparser::types::TypesRef;
use wasmparser::{ComponentExternalKind, ExternalKind};

use super::*;
use crate::plan::*;
use crate::types::FuncType;

/// Adds a type to the type index space, connecting its static resource id (if
/// it is a resource) with the run-time resource `rt`.
pub(super) fn push_type(sp: &mut Spaces<'_>, types: TypesRef<'_>, rt: Option<usize>) {
    let idx = sp.types.len() as u32;
    let mut rt = rt;
    if idx < types.component_type_count() {
        if let ComponentAnyTypeId::Resource(r) = types.component_any_type_at(idx) {
            match rt {
                Some(rt) => {
                    sp.resource_map.insert(r.resource(), rt);
                }
                None => rt = sp.resource_map.get(&r.resource()).copied(),
            }
        }
    }
    sp.types.push(rt);
}

pub(super) fn core_space<'s>(sp: &'s mut Spaces<'_>, kind: ExternalKind) -> &'s mut Vec<CoreDef> {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => &mut sp.core_funcs,
        ExternalKind::Table => &mut sp.core_tables,
        ExternalKind::Memory => &mut sp.core_memories,
        ExternalKind::Global => &mut sp.core_globals,
        ExternalKind::Tag => &mut sp.core_tags,
    }
}

pub(super) fn core_item(sp: &Spaces<'_>, kind: ExternalKind, index: u32) -> CoreDef {
    let i = index as usize;
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => sp.core_funcs[i].clone(),
        ExternalKind::Table => sp.core_tables[i].clone(),
        ExternalKind::Memory => sp.core_memories[i].clone(),
        ExternalKind::Global => sp.core_globals[i].clone(),
        ExternalKind::Tag => sp.core_tags[i].clone(),
    }
}

pub(super) fn component_item<'a>(
    sp: &Spaces<'a>,
    kind: ComponentExternalKind,
    index: u32,
) -> ItemDef<'a> {
    let i = index as usize;
    match kind {
        ComponentExternalKind::Func => ItemDef::Func(sp.funcs[i].clone()),
        ComponentExternalKind::Instance => ItemDef::Instance(sp.instances[i].clone()),
        ComponentExternalKind::Module => ItemDef::Module(sp.modules[i]),
        ComponentExternalKind::Component => ItemDef::Component(sp.components[i].clone()),
        ComponentExternalKind::Type => ItemDef::Type(sp.types[i]),
        ComponentExternalKind::Value => ItemDef::Type(None),
    }
}

pub(super) fn push_item<'a>(sp: &mut Spaces<'a>, types: TypesRef<'_>, item: ItemDef<'a>) {
    match item {
        ItemDef::Func(c) => sp.funcs.push(c),
        ItemDef::Instance(i) => sp.instances.push(i),
        ItemDef::Module(m) => sp.modules.push(m),
        ItemDef::Component(c) => sp.components.push(c),
        ItemDef::Type(rt) => push_type(sp, types, rt),
    }
}

/// Converts a root export to a plan export; modules, components and
/// non-resource types are not visible to JS and are dropped.
pub(super) fn export_item(plan: &Plan, item: ItemDef<'_>) -> Option<ExportItem> {
    match item {
        ItemDef::Func(callee) => {
            let ty = callee_type(plan, &callee);
            Some(ExportItem::Func(callee, ty))
        }
        ItemDef::Type(Some(rt)) => Some(ExportItem::Resource(ResourceIdx::new(rt))),
        ItemDef::Instance(inst) => match &*inst {
            InstanceDef::Items(items) => Some(ExportItem::Instance(
                items
                    .iter()
                    .filter_map(|(n, i)| export_item(plan, i.clone()).map(|e| (n.clone(), e)))
                    .collect(),
            )),
            InstanceDef::Host { .. } => None,
        },
        _ => None,
    }
}

pub(super) fn callee_type(plan: &Plan, callee: &Callee) -> FuncType {
    match callee {
        Callee::Lifted(i) => plan.lifted[*i].ty.clone(),
        Callee::Host { import, path } => match &plan.imports[*import].kind {
            HostImportKind::Func(ty) => ty.clone(),
            HostImportKind::Class(funcs) => funcs
                .iter()
                .find(|(n, _)| path.first() == Some(n))
                .map_or_else(
                    || FuncType {
                        params: vec![],
                        result: None,
                        is_async: false,
                    },
                    |(_, t)| t.clone(),
                ),
            HostImportKind::Instance | HostImportKind::Module => FuncType {
                params: vec![],
                result: None,
                is_async: false,
            },
        },
    }
}

/// `r` for a root import `[constructor]r`, `[method]r.m` or `[static]r.s`.
pub(super) fn root_resource_of(name: &str) -> Option<&str> {
    if let Some(r) = name.strip_prefix("[constructor]") {
        return Some(r);
    }
    let rest = name
        .strip_prefix("[method]")
        .or_else(|| name.strip_prefix("[static]"))?;
    rest.split_once('.').map(|(r, _)| r)
}
