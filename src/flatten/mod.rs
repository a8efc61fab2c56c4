//! Symbolic instantiation: walks the component the way an engine would,
//! inlining nested components, resolving every alias, import and export to a
//! concrete source, giving every resource definition a run-time identity per
//! instantiation, and records the result as a flat, ordered [`Plan`].
//! Still no JS knowledge here.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasmparser::component_types::ResourceId;
use wasmparser::types::TypesRef;
use wasmparser::{ComponentInstance, Instance, InstantiationArgKind};

mod alias;
mod canon;
mod imports;
mod spaces;

use crate::parse::{ComponentBody, ComponentIr, Item, TypeDef};
use crate::plan::*;
use crate::{Error, Result};
use spaces::*;

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
    Host {
        import: ImportIdx,
        path: Vec<String>,
    },
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
    module_map: HashMap<ModuleSrc, ModuleIdx>,
    /// Host resources by (root import, export path).
    host_resources: HashMap<(ImportIdx, Vec<String>), usize>,
}

/// What one component body needs while its items are processed.
struct Ctx<'a, 'b> {
    scope: &'b Rc<Scope<'a>>,
    types: TypesRef<'a>,
    instance: ComponentInstanceIdx,
}

impl Flattener {
    /// Runs a component body with the given import arguments, returning its exports.
    fn instantiate<'a>(
        &mut self,
        def: &ComponentDef<'a>,
        mut args: HashMap<String, ItemDef<'a>>,
        parent: Option<ComponentInstanceIdx>,
    ) -> Result<Vec<(String, ItemDef<'a>)>> {
        let scope = Rc::new(Scope {
            spaces: RefCell::new(Spaces::default()),
            parent: def.parent.clone(),
        });
        let instance = self.plan.component_instances.push(parent);
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
                    let r = &mut self.plan.resources[ResourceIdx::new(rt)];
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

    fn core_instance(
        &mut self,
        scope: &Rc<Scope<'_>>,
        inst: &Instance<'_>,
        component: ComponentInstanceIdx,
    ) {
        let mut sp = scope.spaces.borrow_mut();
        let arg = match inst {
            Instance::Instantiate { module_index, args } => {
                let module = sp.modules[*module_index as usize];
                let plan_module = *self
                    .module_map
                    .entry(module)
                    .or_insert_with(|| self.plan.modules.push(module));
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
                CoreInstanceArg::Instance(self.plan.instances.push(CoreInstantiation {
                    module: plan_module,
                    args,
                    component_instance: component,
                }))
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
}

#[cfg(test)]
mod tests;
