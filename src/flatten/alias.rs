//! Aliases: an instance's export, a core instance's export, or an outer
//! item, resolved to the concrete item it names.

use std::rc::Rc;

use wasmparser::{ComponentAlias, ComponentExternalKind, ComponentOuterAliasKind};

use super::*;
use crate::plan::*;
use crate::{Error, Result};

impl Flattener {
    pub(super) fn alias<'a>(
        &mut self,
        cx: &Ctx<'a, '_>,
        alias: &'a ComponentAlias<'a>,
    ) -> Result<()> {
        let scope = cx.scope;
        let mut sp = scope.spaces.borrow_mut();
        match alias {
            ComponentAlias::CoreInstanceExport {
                kind,
                instance_index,
                name,
            } => {
                let def = match &sp.core_instances[*instance_index as usize] {
                    CoreInstanceArg::Instance(i) => CoreDef::Export {
                        instance: *i,
                        name: name.to_string(),
                    },
                    CoreInstanceArg::Bag(items) => items
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, d)| d.clone())
                        .ok_or_else(|| {
                            Error::invalid(format!("core instance has no export `{name}`"), None)
                        })?,
                };
                core_space(&mut sp, *kind).push(def);
            }
            ComponentAlias::InstanceExport {
                kind,
                instance_index,
                name,
            } => {
                let inst = sp.instances[*instance_index as usize].clone();
                let item = match &*inst {
                    InstanceDef::Host { import, path } => {
                        let mut path = path.clone();
                        path.push(name.to_string());
                        match kind {
                            ComponentExternalKind::Func => ItemDef::Func(Callee::Host {
                                import: *import,
                                path,
                            }),
                            ComponentExternalKind::Instance => {
                                ItemDef::Instance(Rc::new(InstanceDef::Host {
                                    import: *import,
                                    path,
                                }))
                            }
                            ComponentExternalKind::Type => {
                                ItemDef::Type(self.host_resources.get(&(*import, path)).copied())
                            }
                            _ => {
                                return Err(Error::unsupported(
                                    "importing modules or components from the host",
                                ))
                            }
                        }
                    }
                    InstanceDef::Items(items) => items
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, d)| d.clone())
                        .ok_or_else(|| {
                            Error::invalid(format!("instance has no export `{name}`"), None)
                        })?,
                };
                if let ItemDef::Instance(i) = &item {
                    let idx = sp.instances.len() as u32;
                    self.map_instance_resources(&mut sp, cx.types, idx, i);
                }
                push_item(&mut sp, cx.types, item);
            }
            ComponentAlias::Outer { kind, count, index } => {
                let target = if *count == 0 {
                    None
                } else {
                    let mut s = scope.parent.clone();
                    for _ in 1..*count {
                        s = s.and_then(|s| s.parent.clone());
                    }
                    Some(s.ok_or_else(|| Error::invalid("outer alias count out of range", None))?)
                };
                let get = |spaces: &Spaces<'a>| match kind {
                    ComponentOuterAliasKind::CoreModule => {
                        Some(ItemDef::Module(spaces.modules[*index as usize]))
                    }
                    ComponentOuterAliasKind::Component => Some(ItemDef::Component(
                        spaces.components[*index as usize].clone(),
                    )),
                    ComponentOuterAliasKind::Type => {
                        Some(ItemDef::Type(spaces.types[*index as usize]))
                    }
                    ComponentOuterAliasKind::CoreType => None,
                };
                let item = match &target {
                    None => get(&sp),
                    Some(t) => get(&t.spaces.borrow()),
                };
                if let Some(item) = item {
                    push_item(&mut sp, cx.types, item);
                }
            }
        }
        Ok(())
    }
}
