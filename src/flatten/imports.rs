//! Root imports: each becomes a host function, instance, core module or
//! resource class of the plan, and host resources get one run-time type per
//! import path; instance imports map their resources to run-time types.

use std::rc::Rc;

use wasmparser::component_types::{ComponentAnyTypeId, ComponentEntityType};
use wasmparser::types::TypesRef;
use wasmparser::{ComponentTypeRef, TypeBounds};

use super::*;
use crate::plan::*;
use crate::types::{FuncType, TypeConverter};
use crate::{Error, Result};

impl Flattener {
    pub(super) fn host_import<'a>(
        &mut self,
        cx: &Ctx<'a, '_>,
        name: &str,
        ty: ComponentTypeRef,
    ) -> Result<ItemDef<'a>> {
        let import = self.plan.imports.next_key();
        let kind = match ty {
            ComponentTypeRef::Func(_) => {
                let sp = cx.scope.spaces.borrow();
                let idx = sp.funcs.len() as u32;
                let conv = TypeConverter {
                    types: cx.types,
                    resources: &sp.resource_map,
                };
                let ty = conv.func(cx.types.component_function_at(idx));
                if let Some(resource) = root_resource_of(name) {
                    let import = self.root_class_import(resource, name, ty);
                    return Ok(ItemDef::Func(Callee::Host {
                        import,
                        path: vec![name.to_string()],
                    }));
                }
                HostImportKind::Func(ty)
            }
            ComponentTypeRef::Instance(_) => HostImportKind::Instance,
            ComponentTypeRef::Type(TypeBounds::SubResource) => {
                let rt = self.host_resource(import, vec![name.to_string()], name);
                return Ok(ItemDef::Type(Some(rt)));
            }
            ComponentTypeRef::Type(_) => return Ok(ItemDef::Type(None)),
            ComponentTypeRef::Module(_) => {
                self.plan.imports.push(HostImport {
                    name: name.to_string(),
                    kind: HostImportKind::Module,
                });
                return Ok(ItemDef::Module(ModuleSrc::Host(import)));
            }
            ComponentTypeRef::Component(_) => {
                return Err(Error::unsupported(format!(
                    "importing a component (`{name}`) from the host"
                )));
            }
            ComponentTypeRef::Value(_) => {
                return Err(Error::unsupported(format!("importing a value (`{name}`)")));
            }
        };
        let is_func = matches!(kind, HostImportKind::Func(_));
        self.plan.imports.push(HostImport {
            name: name.to_string(),
            kind,
        });
        Ok(if is_func {
            ItemDef::Func(Callee::Host {
                import,
                path: Vec::new(),
            })
        } else {
            ItemDef::Instance(Rc::new(InstanceDef::Host {
                import,
                path: Vec::new(),
            }))
        })
    }

    /// The run-time resource for a host resource type (one per import path).
    /// The host import (kind `Class`) that groups the functions of root-level
    /// imported resource `resource`, as jco does; `func` joins it.
    pub(super) fn root_class_import(
        &mut self,
        resource: &str,
        func: &str,
        ty: FuncType,
    ) -> ImportIdx {
        let found = self
            .plan
            .imports
            .iter()
            .position(|i| i.name == resource && matches!(i.kind, HostImportKind::Class(_)));
        let import = found.map(ImportIdx::new).unwrap_or_else(|| {
            self.plan.imports.push(HostImport {
                name: resource.to_string(),
                kind: HostImportKind::Class(Vec::new()),
            })
        });
        if let HostImportKind::Class(funcs) = &mut self.plan.imports[import].kind {
            funcs.push((func.to_string(), ty));
        }
        import
    }

    pub(super) fn host_resource(
        &mut self,
        import: ImportIdx,
        path: Vec<String>,
        name: &str,
    ) -> usize {
        if let Some(rt) = self.host_resources.get(&(import, path.clone())) {
            return *rt;
        }
        self.plan.resources.push(ResourceType {
            impl_instance: None,
            dtor: None,
            host: Some((import, path.join("#"))),
            name: name.to_string(),
        });
        let rt = self.plan.resources.len() - 1;
        self.host_resources.insert((import, path), rt);
        rt
    }

    /// An instance is about to become instance `idx`: map the static ids of the
    /// resource types its type exports to the run-time resources behind them.
    pub(super) fn map_instance_resources(
        &mut self,
        sp: &mut Spaces<'_>,
        types: TypesRef<'_>,
        idx: u32,
        inst: &InstanceDef<'_>,
    ) {
        let id = types.component_instance_at(idx);
        for (name, ty) in types[id].exports.iter() {
            let ComponentEntityType::Type {
                created: ComponentAnyTypeId::Resource(r),
                ..
            } = &ty.ty
            else {
                continue;
            };
            // A type exported twice (`(type (eq r))`) or re-exported from an
            // interface imported earlier has a resource id already mapped:
            // it is the same run-time resource.
            let known = sp.resource_map.get(&r.resource()).copied();
            let rt = match inst {
                InstanceDef::Host { import, path } => {
                    let mut p = path.clone();
                    p.push(name.to_string());
                    let rt = match known {
                        Some(rt) => rt,
                        None => self.host_resource(*import, p.clone(), name),
                    };
                    self.host_resources.insert((*import, p), rt);
                    Some(rt)
                }
                InstanceDef::Items(items) => known.or_else(|| {
                    items
                        .iter()
                        .find(|(n, _)| n == name)
                        .and_then(|(_, i)| match i {
                            ItemDef::Type(rt) => *rt,
                            _ => None,
                        })
                }),
            };
            if let Some(rt) = rt {
                sp.resource_map.insert(r.resource(), rt);
            }
        }
    }
}
