//! Symbolic instantiation: walks the component the way an engine would,
//! inlining nested components, resolving every alias, import and export to a
//! concrete source, and records the result as a flat, ordered [`Plan`].
//! Still no JS knowledge here.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasmparser::{
    component_types::ComponentAnyTypeId, CanonicalFunction, CanonicalOption, ComponentAlias,
    ComponentExternalKind, ComponentInstance, ComponentOuterAliasKind, ComponentTypeRef,
    ExternalKind, Instance, InstantiationArgKind,
};

use crate::parse::{ComponentBody, ComponentIr, Item};
use crate::plan::*;
use crate::types::{FuncType, TypeConverter};
use crate::{Error, Result};

pub fn flatten(ir: &ComponentIr<'_>) -> Result<Plan> {
    let mut f = Flattener {
        plan: Plan::default(),
        module_map: HashMap::new(),
    };
    let root = ComponentDef {
        body: &ir.root,
        parent: None,
    };
    let exports = f.instantiate(&root, HashMap::new(), None)?;
    f.plan.exports = exports
        .into_iter()
        .filter_map(|(name, item)| export_item(&f.plan, &name, item).map(|e| (name, e)))
        .collect();
    Ok(f.plan)
}

/// What a name in a component-level index space refers to.
#[derive(Clone)]
enum ItemDef<'a> {
    Func(Callee),
    Instance(Rc<InstanceDef<'a>>),
    Module(usize),
    Component(ComponentDef<'a>),
    Type,
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
    modules: Vec<usize>,
    core_instances: Vec<CoreInstanceArg>,
    funcs: Vec<Callee>,
    instances: Vec<Rc<InstanceDef<'a>>>,
    components: Vec<ComponentDef<'a>>,
    exports: Vec<(String, ItemDef<'a>)>,
}

struct Flattener {
    plan: Plan,
    /// IR module index -> plan module index.
    module_map: HashMap<usize, usize>,
}

impl Flattener {
    /// Runs a component body with the given import arguments, returning its exports.
    fn instantiate<'a>(
        &mut self,
        def: &ComponentDef<'a>,
        mut args: HashMap<String, ItemDef<'a>>,
        parent: Option<usize>,
    ) -> Result<Vec<(String, ItemDef<'a>)>> {
        let is_root = parent.is_none();
        let scope = Rc::new(Scope {
            spaces: RefCell::new(Spaces::default()),
            parent: def.parent.clone(),
        });
        let body = def.body;
        let instance_id = self.plan.component_instances.len();
        self.plan.component_instances.push(parent);
        let types = body.types.as_ref();
        let conv = TypeConverter { types };
        for (offset, item) in &body.items {
            let offset = *offset;
            let r = self.item(def, &scope, &conv, item, &mut args, is_root, instance_id);
            r.map_err(|e| e.at(offset))?;
        }
        let exports = std::mem::take(&mut scope.spaces.borrow_mut().exports);
        Ok(exports)
    }

    #[allow(clippy::too_many_arguments)]
    fn item<'a>(
        &mut self,
        def: &ComponentDef<'a>,
        scope: &Rc<Scope<'a>>,
        conv: &TypeConverter<'_>,
        item: &'a Item<'a>,
        args: &mut HashMap<String, ItemDef<'a>>,
        is_root: bool,
        instance_id: usize,
    ) -> Result<()> {
        let _ = def;
        match item {
            Item::CoreModule(m) => scope.spaces.borrow_mut().modules.push(*m),
            Item::Component(body) => {
                let d = ComponentDef {
                    body,
                    parent: Some(scope.clone()),
                };
                scope.spaces.borrow_mut().components.push(d);
            }
            Item::CoreType | Item::Type => {}
            Item::CoreInstance(inst) => {
                let arg = match inst {
                    Instance::Instantiate { module_index, args } => {
                        let mut sp = scope.spaces.borrow_mut();
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
                        });
                        let idx = self.plan.instances.len() - 1;
                        sp.core_instances.push(CoreInstanceArg::Instance(idx));
                        return Ok(());
                    }
                    Instance::FromExports(exports) => {
                        let sp = scope.spaces.borrow();
                        CoreInstanceArg::Bag(
                            exports
                                .iter()
                                .map(|e| (e.name.to_string(), core_item(&sp, e.kind, e.index)))
                                .collect(),
                        )
                    }
                };
                scope.spaces.borrow_mut().core_instances.push(arg);
            }
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
                        let exports =
                            self.instantiate(&callee_def, call_args, Some(instance_id))?;
                        InstanceDef::Items(exports)
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
            Item::Alias(alias) => self.alias(scope, alias)?,
            Item::Canon(canon) => self.canon(scope, conv, canon, instance_id)?,
            Item::Start(_) => {
                return Err(Error::unsupported("component start functions"));
            }
            Item::Import(import) => {
                let name = import.name.name;
                let arg = if is_root {
                    self.host_import(scope, conv, name, import.ty)?
                } else {
                    args.remove(name).ok_or_else(|| {
                        Error::invalid(format!("missing instantiation argument `{name}`"), None)
                    })?
                };
                push_item(&mut scope.spaces.borrow_mut(), arg);
            }
            Item::Export(export) => {
                let mut sp = scope.spaces.borrow_mut();
                let item = component_item(&sp, export.kind, export.index);
                sp.exports
                    .push((export.name.name.to_string(), item.clone()));
                push_item(&mut sp, item);
            }
        }
        Ok(())
    }

    fn host_import<'a>(
        &mut self,
        scope: &Rc<Scope<'a>>,
        conv: &TypeConverter<'_>,
        name: &str,
        ty: ComponentTypeRef,
    ) -> Result<ItemDef<'a>> {
        let import = self.plan.imports.len();
        let kind = match ty {
            ComponentTypeRef::Func(_) => {
                let idx = scope.spaces.borrow().funcs.len() as u32;
                let ty = conv.func(conv.types.component_function_at(idx));
                HostImportKind::Func(ty)
            }
            ComponentTypeRef::Instance(_) => HostImportKind::Instance,
            ComponentTypeRef::Type(_) => return Ok(ItemDef::Type),
            ComponentTypeRef::Module(_) => {
                return Err(Error::unsupported(format!(
                    "importing a core module (`{name}`) from the host"
                )));
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

    fn alias<'a>(&mut self, scope: &Rc<Scope<'a>>, alias: &'a ComponentAlias<'a>) -> Result<()> {
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
                            ComponentExternalKind::Type => ItemDef::Type,
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
                push_item(&mut sp, item);
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
                let item = {
                    let get = |spaces: &Spaces<'a>| match kind {
                        ComponentOuterAliasKind::CoreModule => {
                            ItemDef::Module(spaces.modules[*index as usize])
                        }
                        ComponentOuterAliasKind::Component => {
                            ItemDef::Component(spaces.components[*index as usize].clone())
                        }
                        ComponentOuterAliasKind::CoreType | ComponentOuterAliasKind::Type => {
                            ItemDef::Type
                        }
                    };
                    match &target {
                        None => get(&sp),
                        Some(t) => get(&t.spaces.borrow()),
                    }
                };
                match (kind, item) {
                    (ComponentOuterAliasKind::CoreType, _) => {}
                    (_, item) => push_item(&mut sp, item),
                }
            }
        }
        Ok(())
    }

    fn canon<'a>(
        &mut self,
        scope: &Rc<Scope<'a>>,
        conv: &TypeConverter<'_>,
        canon: &CanonicalFunction,
        instance_id: usize,
    ) -> Result<()> {
        let mut sp = scope.spaces.borrow_mut();
        match canon {
            CanonicalFunction::Lift {
                core_func_index,
                type_index,
                options,
            } => {
                let id = match conv.types.component_any_type_at(*type_index) {
                    ComponentAnyTypeId::Func(id) => id,
                    _ => {
                        return Err(Error::invalid(
                            "canon lift type is not a function type",
                            None,
                        ))
                    }
                };
                let ty = conv.func(id);
                check_supported(&ty)?;
                let opts = canon_opts(&sp, options)?;
                let core = sp.core_funcs[*core_func_index as usize].clone();
                self.plan.lifted.push(Lifted {
                    core,
                    ty,
                    opts,
                    component_instance: instance_id,
                });
                sp.funcs.push(Callee::Lifted(self.plan.lifted.len() - 1));
            }
            CanonicalFunction::Lower {
                func_index,
                options,
            } => {
                let ty = conv.func(conv.types.component_function_at(*func_index));
                check_supported(&ty)?;
                let opts = canon_opts(&sp, options)?;
                let callee = sp.funcs[*func_index as usize].clone();
                self.plan.lowered.push(Lowered {
                    callee,
                    ty,
                    opts,
                    component_instance: instance_id,
                });
                sp.core_funcs
                    .push(CoreDef::Lowered(self.plan.lowered.len() - 1));
            }
            CanonicalFunction::ResourceNew { .. }
            | CanonicalFunction::ResourceDrop { .. }
            | CanonicalFunction::ResourceRep { .. } => {
                return Err(Error::unsupported(
                    "resources (canon resource.new/drop/rep)",
                ));
            }
            other => {
                return Err(Error::unsupported(format!(
                    "canonical built-in `{}`",
                    builtin_name(other)
                )));
            }
        }
        Ok(())
    }
}

fn check_supported(ty: &FuncType) -> Result<()> {
    if ty.is_async {
        return Err(Error::unsupported("async functions (async ABI)"));
    }
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
    if o.is_async {
        return Err(Error::unsupported("async lift/lower (async ABI)"));
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
        ComponentExternalKind::Type | ComponentExternalKind::Value => ItemDef::Type,
    }
}

fn push_item<'a>(sp: &mut Spaces<'a>, item: ItemDef<'a>) {
    match item {
        ItemDef::Func(c) => sp.funcs.push(c),
        ItemDef::Instance(i) => sp.instances.push(i),
        ItemDef::Module(m) => sp.modules.push(m),
        ItemDef::Component(c) => sp.components.push(c),
        ItemDef::Type => {}
    }
}

/// Converts a root export to a plan export; types, modules and components are
/// not visible to JS and are dropped.
fn export_item(plan: &Plan, name: &str, item: ItemDef<'_>) -> Option<ExportItem> {
    match item {
        ItemDef::Func(callee) => {
            let ty = callee_type(plan, &callee);
            Some(ExportItem::Func(callee, ty))
        }
        ItemDef::Instance(inst) => match &*inst {
            InstanceDef::Items(items) => Some(ExportItem::Instance(
                items
                    .iter()
                    .filter_map(|(n, i)| export_item(plan, n, i.clone()).map(|e| (n.clone(), e)))
                    .collect(),
            )),
            InstanceDef::Host { .. } => {
                let _ = name;
                None
            }
        },
        _ => None,
    }
}

fn callee_type(plan: &Plan, callee: &Callee) -> FuncType {
    match callee {
        Callee::Lifted(i) => plan.lifted[*i].ty.clone(),
        Callee::Host { import, .. } => match &plan.imports[*import].kind {
            HostImportKind::Func(ty) => ty.clone(),
            HostImportKind::Instance => FuncType {
                params: vec![],
                result: None,
                is_async: false,
            },
        },
    }
}
