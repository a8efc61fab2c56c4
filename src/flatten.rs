//! Symbolic instantiation: walks the component the way an engine would,
//! inlining nested components, resolving every alias, import and export to a
//! concrete source, giving every resource definition a run-time identity per
//! instantiation, and records the result as a flat, ordered [`Plan`].
//! Still no JS knowledge here.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasmparser::component_types::{
    ComponentAnyTypeId, ComponentEntityType, ComponentValType, ResourceId,
};
use wasmparser::types::TypesRef;
use wasmparser::{
    CanonicalFunction, CanonicalOption, ComponentAlias, ComponentExternalKind, ComponentInstance,
    ComponentOuterAliasKind, ComponentTypeRef, ExternalKind, Instance, InstantiationArgKind,
    TypeBounds,
};

use crate::parse::{ComponentBody, ComponentIr, Item, TypeDef};
use crate::plan::*;
use crate::types::{FuncType, TypeConverter};
use crate::{Error, Result};

pub fn flatten(ir: &ComponentIr<'_>) -> Result<Plan> {
    let mut f = Flattener {
        plan: Plan::default(),
        module_map: HashMap::new(),
        host_resources: HashMap::new(),
    };
    let root = ComponentDef {
        body: &ir.root,
        parent: None,
    };
    let exports = f.instantiate(&root, HashMap::new(), None)?;
    f.plan.exports = exports
        .into_iter()
        .filter_map(|(name, item)| export_item(&f.plan, item).map(|e| (name, e)))
        .collect();
    Ok(f.plan)
}

/// What a name in a component-level index space refers to.
#[derive(Clone)]
enum ItemDef<'a> {
    Func(Callee),
    Instance(Rc<InstanceDef<'a>>),
    Module(ModuleSrc),
    Component(ComponentDef<'a>),
    /// A type; resource types carry their run-time identity.
    Type(Option<usize>),
}

enum InstanceDef<'a> {
    /// A (part of a) host import instance.
    Host { import: usize, path: Vec<String> },
    /// A component instance's exports or an instance made from exports.
    Items(Vec<(String, ItemDef<'a>)>),
}

#[derive(Clone)]
struct ComponentDef<'a> {
    body: &'a ComponentBody<'a>,
    /// The lexically enclosing component's index spaces (for outer aliases).
    parent: Option<Rc<Scope<'a>>>,
}

struct Scope<'a> {
    spaces: RefCell<Spaces<'a>>,
    parent: Option<Rc<Scope<'a>>>,
}

#[derive(Default)]
struct Spaces<'a> {
    core_funcs: Vec<CoreDef>,
    core_memories: Vec<CoreDef>,
    core_tables: Vec<CoreDef>,
    core_globals: Vec<CoreDef>,
    core_tags: Vec<CoreDef>,
    modules: Vec<ModuleSrc>,
    core_instances: Vec<CoreInstanceArg>,
    funcs: Vec<Callee>,
    instances: Vec<Rc<InstanceDef<'a>>>,
    components: Vec<ComponentDef<'a>>,
    /// The type index space: the run-time resource of each resource type.
    types: Vec<Option<usize>>,
    /// This component's static resource ids (validator) -> run-time resources.
    resource_map: HashMap<ResourceId, usize>,
    exports: Vec<(String, ItemDef<'a>)>,
}

struct Flattener {
    plan: Plan,
    /// Module source -> plan module index.
    module_map: HashMap<ModuleSrc, usize>,
    /// Host resources by (root import, export path).
    host_resources: HashMap<(usize, Vec<String>), usize>,
}

/// What one component body needs while its items are processed.
struct Ctx<'a, 'b> {
    scope: &'b Rc<Scope<'a>>,
    types: TypesRef<'a>,
    instance: usize,
}

impl Flattener {
    /// Runs a component body with the given import arguments, returning its exports.
    fn instantiate<'a>(
        &mut self,
        def: &ComponentDef<'a>,
        mut args: HashMap<String, ItemDef<'a>>,
        parent: Option<usize>,
    ) -> Result<Vec<(String, ItemDef<'a>)>> {
        let scope = Rc::new(Scope {
            spaces: RefCell::new(Spaces::default()),
            parent: def.parent.clone(),
        });
        let instance = self.plan.component_instances.len();
        self.plan.component_instances.push(parent);
        let cx = Ctx {
            scope: &scope,
            types: def.body.types.as_ref(),
            instance,
        };
        for (offset, item) in &def.body.items {
            self.item(&cx, item, &mut args, parent.is_none())
                .map_err(|e| e.at(*offset))?;
        }
        let exports = std::mem::take(&mut scope.spaces.borrow_mut().exports);
        Ok(exports)
    }

    fn item<'a>(
        &mut self,
        cx: &Ctx<'a, '_>,
        item: &'a Item<'a>,
        args: &mut HashMap<String, ItemDef<'a>>,
        is_root: bool,
    ) -> Result<()> {
        let scope = cx.scope;
        match item {
            Item::CoreModule(m) => scope
                .spaces
                .borrow_mut()
                .modules
                .push(ModuleSrc::Static(*m)),
            Item::Component(body) => {
                let d = ComponentDef {
                    body,
                    parent: Some(scope.clone()),
                };
                scope.spaces.borrow_mut().components.push(d);
            }
            Item::CoreType => {}
            Item::Type(TypeDef::Other) => push_type(&mut scope.spaces.borrow_mut(), cx.types, None),
            Item::Type(TypeDef::Resource { dtor }) => {
                let mut sp = scope.spaces.borrow_mut();
                let dtor = dtor.map(|i| sp.core_funcs[i as usize].clone());
                self.plan.resources.push(ResourceType {
                    impl_instance: Some(cx.instance),
                    dtor,
                    host: None,
                    name: String::new(),
                });
                push_type(&mut sp, cx.types, Some(self.plan.resources.len() - 1));
            }
            Item::CoreInstance(inst) => self.core_instance(scope, inst, cx.instance),
            Item::Instance(inst) => {
                let def = match inst {
                    ComponentInstance::Instantiate {
                        component_index,
                        args: iargs,
                    } => {
                        let (callee_def, call_args) = {
                            let sp = scope.spaces.borrow();
                            let d = sp.components[*component_index as usize].clone();
                            let a: HashMap<String, ItemDef<'a>> = iargs
                                .iter()
                                .map(|a| (a.name.to_string(), component_item(&sp, a.kind, a.index)))
                                .collect();
                            (d, a)
                        };
                        InstanceDef::Items(self.instantiate(
                            &callee_def,
                            call_args,
                            Some(cx.instance),
                        )?)
                    }
                    ComponentInstance::FromExports(exports) => {
                        let sp = scope.spaces.borrow();
                        InstanceDef::Items(
                            exports
                                .iter()
                                .map(|e| {
                                    (
                                        e.name.name.to_string(),
                                        component_item(&sp, e.kind, e.index),
                                    )
                                })
                                .collect(),
                        )
                    }
                };
                scope.spaces.borrow_mut().instances.push(Rc::new(def));
            }
            Item::Alias(alias) => self.alias(cx, alias)?,
            Item::Canon(canon) => self.canon(cx, canon)?,
            Item::Start(_) => return Err(Error::unsupported("component start functions")),
            Item::Import(import) => {
                let name = import.name.name;
                let arg = if is_root {
                    self.host_import(cx, name, import.ty)?
                } else {
                    args.remove(name).ok_or_else(|| {
                        Error::invalid(format!("missing instantiation argument `{name}`"), None)
                    })?
                };
                let mut sp = scope.spaces.borrow_mut();
                if let ItemDef::Instance(inst) = &arg {
                    let idx = sp.instances.len() as u32;
                    self.map_instance_resources(&mut sp, cx.types, idx, inst);
                }
                push_item(&mut sp, cx.types, arg);
            }
            Item::Export(export) => {
                let mut sp = scope.spaces.borrow_mut();
                let item = component_item(&sp, export.kind, export.index);
                if let ItemDef::Type(Some(rt)) = item {
                    let r = &mut self.plan.resources[rt];
                    if r.name.is_empty() {
                        r.name = export.name.name.to_string();
                    }
                }
                sp.exports
                    .push((export.name.name.to_string(), item.clone()));
                push_item(&mut sp, cx.types, item);
            }
        }
        Ok(())
    }

    fn core_instance(&mut self, scope: &Rc<Scope<'_>>, inst: &Instance<'_>, component: usize) {
        let mut sp = scope.spaces.borrow_mut();
        let arg = match inst {
            Instance::Instantiate { module_index, args } => {
                let module = sp.modules[*module_index as usize];
                let plan_module = *self.module_map.entry(module).or_insert_with(|| {
                    self.plan.modules.push(module);
                    self.plan.modules.len() - 1
                });
                let args = args
                    .iter()
                    .map(|a| {
                        let InstantiationArgKind::Instance = a.kind;
                        (
                            a.name.to_string(),
                            sp.core_instances[a.index as usize].clone(),
                        )
                    })
                    .collect();
                self.plan.instances.push(CoreInstantiation {
                    module: plan_module,
                    args,
                    component_instance: component,
                });
                CoreInstanceArg::Instance(self.plan.instances.len() - 1)
            }
            Instance::FromExports(exports) => CoreInstanceArg::Bag(
                exports
                    .iter()
                    .map(|e| (e.name.to_string(), core_item(&sp, e.kind, e.index)))
                    .collect(),
            ),
        };
        sp.core_instances.push(arg);
    }

    fn host_import<'a>(
        &mut self,
        cx: &Ctx<'a, '_>,
        name: &str,
        ty: ComponentTypeRef,
    ) -> Result<ItemDef<'a>> {
        let import = self.plan.imports.len();
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
    fn root_class_import(&mut self, resource: &str, func: &str, ty: FuncType) -> usize {
        let found = self
            .plan
            .imports
            .iter()
            .position(|i| i.name == resource && matches!(i.kind, HostImportKind::Class(_)));
        let import = found.unwrap_or_else(|| {
            self.plan.imports.push(HostImport {
                name: resource.to_string(),
                kind: HostImportKind::Class(Vec::new()),
            });
            self.plan.imports.len() - 1
        });
        if let HostImportKind::Class(funcs) = &mut self.plan.imports[import].kind {
            funcs.push((func.to_string(), ty));
        }
        import
    }

    fn host_resource(&mut self, import: usize, path: Vec<String>, name: &str) -> usize {
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
    fn map_instance_resources(
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

    fn alias<'a>(&mut self, cx: &Ctx<'a, '_>, alias: &'a ComponentAlias<'a>) -> Result<()> {
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
                if *kind == ExternalKind::Memory
                    && cx.types.memory_at(sp.core_memories.len() as u32).memory64
                {
                    self.plan.memory64.insert(def.clone());
                }
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

    fn canon(&mut self, cx: &Ctx<'_, '_>, canon: &CanonicalFunction) -> Result<()> {
        let mut sp = cx.scope.spaces.borrow_mut();
        let instance = cx.instance;
        let resource = |sp: &Spaces<'_>, idx: u32| {
            sp.types[idx as usize].ok_or_else(|| Error::invalid("not a resource type", None))
        };
        match canon {
            CanonicalFunction::Lift {
                core_func_index,
                type_index,
                options,
            } => {
                let id = match cx.types.component_any_type_at(*type_index) {
                    ComponentAnyTypeId::Func(id) => id,
                    _ => {
                        return Err(Error::invalid(
                            "canon lift type is not a function type",
                            None,
                        ))
                    }
                };
                let ty = TypeConverter {
                    types: cx.types,
                    resources: &sp.resource_map,
                }
                .func(id);
                check_supported(&ty)?;
                self.plan.intern_async_types(&ty);
                let opts = canon_opts(&sp, options)?;
                let core = sp.core_funcs[*core_func_index as usize].clone();
                self.plan.lifted.push(Lifted {
                    core,
                    ty,
                    opts,
                    component_instance: instance,
                });
                sp.funcs.push(Callee::Lifted(self.plan.lifted.len() - 1));
            }
            CanonicalFunction::Lower {
                func_index,
                options,
            } => {
                let conv = TypeConverter {
                    types: cx.types,
                    resources: &sp.resource_map,
                };
                let ty = conv.func(cx.types.component_function_at(*func_index));
                check_supported(&ty)?;
                self.plan.intern_async_types(&ty);
                let opts = canon_opts(&sp, options)?;
                let callee = sp.funcs[*func_index as usize].clone();
                self.plan.lowered.push(Lowered {
                    callee,
                    ty,
                    opts,
                    component_instance: instance,
                });
                sp.core_funcs
                    .push(CoreDef::Lowered(self.plan.lowered.len() - 1));
            }
            CanonicalFunction::ResourceNew { resource: r } => {
                let rt = resource(&sp, *r)?;
                sp.core_funcs.push(CoreDef::Resource {
                    op: ResourceOp::New,
                    rt,
                    instance,
                });
            }
            CanonicalFunction::ResourceDrop { resource: r } => {
                let rt = resource(&sp, *r)?;
                sp.core_funcs.push(CoreDef::Resource {
                    op: ResourceOp::Drop,
                    rt,
                    instance,
                });
            }
            CanonicalFunction::ResourceRep { resource: r } => {
                let rt = resource(&sp, *r)?;
                sp.core_funcs.push(CoreDef::Resource {
                    op: ResourceOp::Rep,
                    rt,
                    instance,
                });
            }
            other => {
                let op = self.async_op(cx, &sp, other)?;
                self.plan.builtins.push(Builtin { op, instance });
                sp.core_funcs
                    .push(CoreDef::Builtin(self.plan.builtins.len() - 1));
            }
        }
        Ok(())
    }

    /// The async ABI built-in a `canon` definition makes (or why weft can't).
    fn async_op(
        &mut self,
        cx: &Ctx<'_, '_>,
        sp: &Spaces<'_>,
        canon: &CanonicalFunction,
    ) -> Result<AsyncOp> {
        use CanonicalFunction as C;
        let conv = TypeConverter {
            types: cx.types,
            resources: &sp.resource_map,
        };
        let mut ty = |idx: u32| -> Result<usize> {
            let t = match cx.types.component_any_type_at(idx) {
                ComponentAnyTypeId::Defined(id) => conv.val(ComponentValType::Type(id)),
                _ => return Err(Error::invalid("not a stream or future type", None)),
            };
            if let Some(f) = t.unsupported_feature() {
                return Err(Error::unsupported(f));
            }
            Ok(self.plan.async_type(t))
        };
        let (stream, future) = (CopyKind::Stream, CopyKind::Future);
        Ok(match canon {
            C::TaskReturn { result, options } => {
                let result = match result {
                    None => None,
                    Some(wasmparser::ComponentValType::Primitive(p)) => {
                        Some(conv.val(ComponentValType::Primitive(*p)))
                    }
                    Some(wasmparser::ComponentValType::Type(i)) => {
                        match cx.types.component_any_type_at(*i) {
                            ComponentAnyTypeId::Defined(id) => {
                                Some(conv.val(ComponentValType::Type(id)))
                            }
                            _ => return Err(Error::invalid("task.return: not a value type", None)),
                        }
                    }
                };
                if let Some(f) = result.as_ref().and_then(|t| t.unsupported_feature()) {
                    return Err(Error::unsupported(f).in_path("task.return"));
                }
                AsyncOp::TaskReturn {
                    result,
                    opts: canon_opts(sp, options)?,
                }
            }
            C::TaskCancel => AsyncOp::TaskCancel,
            C::ContextGet { slot, ty } => AsyncOp::ContextGet {
                slot: *slot,
                wide: *ty == wasmparser::ValType::I64,
            },
            C::ContextSet { slot, ty } => AsyncOp::ContextSet {
                slot: *slot,
                wide: *ty == wasmparser::ValType::I64,
            },
            C::BackpressureInc => AsyncOp::BackpressureInc,
            C::BackpressureDec => AsyncOp::BackpressureDec,
            C::ThreadYield => AsyncOp::ThreadYield,
            C::WaitableSetNew => AsyncOp::WaitableSetNew,
            C::WaitableSetWait { memory } => {
                AsyncOp::WaitableSetWait(sp.core_memories[*memory as usize].clone())
            }
            C::WaitableSetPoll { memory } => {
                AsyncOp::WaitableSetPoll(sp.core_memories[*memory as usize].clone())
            }
            C::WaitableSetDrop => AsyncOp::WaitableSetDrop,
            C::WaitableJoin => AsyncOp::WaitableJoin,
            C::SubtaskCancel { async_ } => AsyncOp::SubtaskCancel { is_async: *async_ },
            C::SubtaskDrop => AsyncOp::SubtaskDrop,
            C::StreamNew { ty: t } => AsyncOp::New {
                kind: stream,
                ty: ty(*t)?,
            },
            C::FutureNew { ty: t } => AsyncOp::New {
                kind: future,
                ty: ty(*t)?,
            },
            C::StreamRead { ty: t, options } | C::StreamWrite { ty: t, options } => AsyncOp::Copy {
                kind: stream,
                ty: ty(*t)?,
                read: matches!(canon, C::StreamRead { .. }),
                opts: canon_opts(sp, options)?,
            },
            C::FutureRead { ty: t, options } | C::FutureWrite { ty: t, options } => AsyncOp::Copy {
                kind: future,
                ty: ty(*t)?,
                read: matches!(canon, C::FutureRead { .. }),
                opts: canon_opts(sp, options)?,
            },
            C::StreamCancelRead { ty: t, async_ } | C::StreamCancelWrite { ty: t, async_ } => {
                AsyncOp::Cancel {
                    kind: stream,
                    ty: ty(*t)?,
                    read: matches!(canon, C::StreamCancelRead { .. }),
                    is_async: *async_,
                }
            }
            C::FutureCancelRead { ty: t, async_ } | C::FutureCancelWrite { ty: t, async_ } => {
                AsyncOp::Cancel {
                    kind: future,
                    ty: ty(*t)?,
                    read: matches!(canon, C::FutureCancelRead { .. }),
                    is_async: *async_,
                }
            }
            C::StreamDropReadable { ty: t } => AsyncOp::Drop {
                kind: stream,
                ty: ty(*t)?,
                readable: true,
            },
            C::StreamDropWritable { ty: t } => AsyncOp::Drop {
                kind: stream,
                ty: ty(*t)?,
                readable: false,
            },
            C::FutureDropReadable { ty: t } => AsyncOp::Drop {
                kind: future,
                ty: ty(*t)?,
                readable: true,
            },
            C::FutureDropWritable { ty: t } => AsyncOp::Drop {
                kind: future,
                ty: ty(*t)?,
                readable: false,
            },
            C::ErrorContextNew { options } => AsyncOp::ErrorContextNew(canon_opts(sp, options)?),
            C::ErrorContextDebugMessage { options } => {
                AsyncOp::ErrorContextDebugMessage(canon_opts(sp, options)?)
            }
            C::ErrorContextDrop => AsyncOp::ErrorContextDrop,
            C::ThreadIndex => AsyncOp::ThreadIndex,
            C::ThreadNewIndirect {
                table_index,
                func_ty_index,
            } => AsyncOp::ThreadNewIndirect {
                table: sp.core_tables[*table_index as usize].clone(),
                wide: start_takes_i64(cx.types, *func_ty_index),
            },
            C::ThreadResumeLater => AsyncOp::ThreadResumeLater,
            C::ThreadSuspend => AsyncOp::ThreadSuspend,
            C::ThreadYieldThenResume => AsyncOp::ThreadSwitch { yielding: true },
            C::ThreadSuspendThenResume => AsyncOp::ThreadSwitch { yielding: false },
            C::ThreadYieldThenPromote => AsyncOp::ThreadPromote { yielding: true },
            C::ThreadSuspendThenPromote => AsyncOp::ThreadPromote { yielding: false },
            other => {
                return Err(Error::unsupported(format!(
                    "canonical built-in `{}`",
                    builtin_name(other)
                )))
            }
        })
    }
}

/// Adds a type to the type index space, connecting its static resource id (if
/// it is a resource) with the run-time resource `rt`.
fn push_type(sp: &mut Spaces<'_>, types: TypesRef<'_>, rt: Option<usize>) {
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

fn check_supported(ty: &FuncType) -> Result<()> {
    for (name, t) in &ty.params {
        if let Some(f) = t.unsupported_feature() {
            return Err(Error::unsupported(f).in_path(format!("param `{name}`")));
        }
    }
    if let Some(f) = ty.result.as_ref().and_then(|t| t.unsupported_feature()) {
        return Err(Error::unsupported(f).in_path("result"));
    }
    Ok(())
}

fn builtin_name(c: &CanonicalFunction) -> String {
    let dbg = format!("{c:?}");
    let name = dbg.split([' ', '{', '(']).next().unwrap_or("?");
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push(if out.contains('.') { '-' } else { '.' });
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Whether the start function type of `thread.new-indirect` takes an i64 (cm64).
fn start_takes_i64(types: TypesRef<'_>, func_ty_index: u32) -> bool {
    match types.core_type_at_in_component(func_ty_index) {
        wasmparser::component_types::ComponentCoreTypeId::Sub(id) => {
            types[id].unwrap_func().params() == [wasmparser::ValType::I64]
        }
        _ => false,
    }
}

fn canon_opts(sp: &Spaces<'_>, options: &[CanonicalOption]) -> Result<CanonOpts> {
    let mut o = CanonOpts {
        string_encoding: StringEncoding::Utf8,
        memory: None,
        realloc: None,
        post_return: None,
        is_async: false,
        callback: None,
    };
    for opt in options {
        match opt {
            CanonicalOption::UTF8 => o.string_encoding = StringEncoding::Utf8,
            CanonicalOption::UTF16 => o.string_encoding = StringEncoding::Utf16,
            CanonicalOption::CompactUTF16 => o.string_encoding = StringEncoding::Latin1Utf16,
            CanonicalOption::Memory(i) => o.memory = Some(sp.core_memories[*i as usize].clone()),
            CanonicalOption::Realloc(i) => o.realloc = Some(sp.core_funcs[*i as usize].clone()),
            CanonicalOption::PostReturn(i) => {
                o.post_return = Some(sp.core_funcs[*i as usize].clone())
            }
            CanonicalOption::Async => o.is_async = true,
            CanonicalOption::Callback(i) => o.callback = Some(sp.core_funcs[*i as usize].clone()),
            CanonicalOption::CoreType(_) => {}
            CanonicalOption::Gc => return Err(Error::unsupported("the `gc` canonical option")),
        }
    }
    Ok(o)
}

fn core_space<'s>(sp: &'s mut Spaces<'_>, kind: ExternalKind) -> &'s mut Vec<CoreDef> {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => &mut sp.core_funcs,
        ExternalKind::Table => &mut sp.core_tables,
        ExternalKind::Memory => &mut sp.core_memories,
        ExternalKind::Global => &mut sp.core_globals,
        ExternalKind::Tag => &mut sp.core_tags,
    }
}

fn core_item(sp: &Spaces<'_>, kind: ExternalKind, index: u32) -> CoreDef {
    let i = index as usize;
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => sp.core_funcs[i].clone(),
        ExternalKind::Table => sp.core_tables[i].clone(),
        ExternalKind::Memory => sp.core_memories[i].clone(),
        ExternalKind::Global => sp.core_globals[i].clone(),
        ExternalKind::Tag => sp.core_tags[i].clone(),
    }
}

fn component_item<'a>(sp: &Spaces<'a>, kind: ComponentExternalKind, index: u32) -> ItemDef<'a> {
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

fn push_item<'a>(sp: &mut Spaces<'a>, types: TypesRef<'_>, item: ItemDef<'a>) {
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
fn export_item(plan: &Plan, item: ItemDef<'_>) -> Option<ExportItem> {
    match item {
        ItemDef::Func(callee) => {
            let ty = callee_type(plan, &callee);
            Some(ExportItem::Func(callee, ty))
        }
        ItemDef::Type(Some(rt)) => Some(ExportItem::Resource(rt)),
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

fn callee_type(plan: &Plan, callee: &Callee) -> FuncType {
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
fn root_resource_of(name: &str) -> Option<&str> {
    if let Some(r) = name.strip_prefix("[constructor]") {
        return Some(r);
    }
    let rest = name
        .strip_prefix("[method]")
        .or_else(|| name.strip_prefix("[static]"))?;
    rest.split_once('.').map(|(r, _)| r)
}
