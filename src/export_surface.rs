//! The component's exports as JS sees them, decided in one place for the glue
//! (`emit`) and the `.d.ts` (`wit::dts`): each export's property keys on the
//! `instantiate()` result (its name and camelCase alias), which export gets
//! the short ESM name (`run`, `myIface`, `Counter`), and which functions are
//! members of an exported resource's class instead of exports of their own.

use std::collections::{HashMap, HashSet};

use crate::names::{interface_export_name, lower_camel, upper_camel};

/// What kind of item an export is (the input of [`ExportSurface::new`]).
#[derive(Debug, Clone)]
pub enum ExportKind {
    Func,
    Resource,
    /// An instance (an interface) and its items.
    Interface(Vec<(String, ExportKind)>),
}

/// How one export (or interface member) appears in JS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Property keys of the enclosing object, the first one primary.
    Keys(Vec<String>),
    /// A member of the class of exported resource `resource` (of the same
    /// export list), not a property of its own.
    ClassMember { resource: String, member: Member },
}

/// A function's role in its resource's class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    Constructor,
    /// `[method]r.m`: `m` in camelCase, called on `this`.
    Method(String),
    Static(String),
}

/// One export of the component or member of an exported interface.
#[derive(Debug, Clone)]
pub struct SurfaceItem {
    pub name: String,
    pub shape: Shape,
    /// The short ESM export name (root exports only; `None` when another
    /// export owns it, then the export is reachable by its full name only).
    pub short: Option<String>,
    /// An interface's members, in order.
    pub members: Vec<SurfaceItem>,
}

/// Every export, in the component's order.
#[derive(Debug, Clone, Default)]
pub struct ExportSurface {
    pub items: Vec<SurfaceItem>,
}

impl ExportSurface {
    /// Decides the surface of `exports` (names in the component's order).
    /// Functions own their camelCase names; a resource's class or an
    /// interface's short name goes to the first that asks, if no function has it.
    pub fn new(exports: &[(String, ExportKind)]) -> Self {
        let resources = resource_names(exports);
        let mut taken: HashSet<String> = exports
            .iter()
            .filter(|(n, k)| matches!(k, ExportKind::Func) && class_member(&resources, n).is_none())
            .map(|(n, _)| lower_camel(n))
            .collect();
        let items = exports
            .iter()
            .map(|(name, kind)| {
                let (shape, short) = match kind {
                    ExportKind::Func => match class_member(&resources, name) {
                        Some(shape) => (shape, None),
                        None => {
                            let camel = lower_camel(name);
                            (Shape::Keys(with_alias(name, &camel)), Some(camel))
                        }
                    },
                    ExportKind::Resource => {
                        let class = upper_camel(name);
                        let short = taken.insert(class.clone()).then(|| class.clone());
                        (Shape::Keys(vec![class]), short)
                    }
                    ExportKind::Interface(_) => {
                        let short = interface_export_name(name);
                        if taken.insert(short.clone()) {
                            (Shape::Keys(with_alias(name, &short)), Some(short))
                        } else {
                            (Shape::Keys(vec![name.clone()]), None)
                        }
                    }
                };
                let members = match kind {
                    ExportKind::Interface(items) => members(items),
                    _ => Vec::new(),
                };
                SurfaceItem {
                    name: name.clone(),
                    shape,
                    short,
                    members,
                }
            })
            .collect();
        ExportSurface { items }
    }

    /// The short ESM name of root export `name`, if it has one.
    pub fn short_name(&self, name: &str) -> Option<&str> {
        (self.items.iter())
            .find(|i| i.name == name)
            .and_then(|i| i.short.as_deref())
    }
}

/// An interface's members, in order: functions under their camelCase name
/// (and their own, when it differs), resources under their class name.
fn members(items: &[(String, ExportKind)]) -> Vec<SurfaceItem> {
    let resources = resource_names(items);
    items
        .iter()
        .map(|(n, k)| {
            let shape = match k {
                ExportKind::Func => class_member(&resources, n)
                    .unwrap_or_else(|| Shape::Keys(with_alias(&lower_camel(n), n))),
                ExportKind::Resource => Shape::Keys(vec![upper_camel(n)]),
                // Instances nested in an exported instance are not reachable from JS.
                ExportKind::Interface(_) => Shape::Keys(Vec::new()),
            };
            SurfaceItem {
                name: n.clone(),
                shape,
                short: None,
                members: Vec::new(),
            }
        })
        .collect()
}

/// `[first, second]`, or `[first]` when they are the same.
fn with_alias(first: &str, second: &str) -> Vec<String> {
    let mut keys = vec![first.to_string()];
    if second != first {
        keys.push(second.to_string());
    }
    keys
}

fn resource_names(items: &[(String, ExportKind)]) -> HashMap<&str, ()> {
    items
        .iter()
        .filter(|(_, k)| matches!(k, ExportKind::Resource))
        .map(|(n, _)| (n.as_str(), ()))
        .collect()
}

/// The class-member shape of `[constructor]r`/`[method]r.m`/`[static]r.s`
/// when `r` is exported in the same list.
fn class_member(resources: &HashMap<&str, ()>, name: &str) -> Option<Shape> {
    let (resource, member) = match resource_func(name)? {
        ResourceFunc::Constructor(r) => (r, Member::Constructor),
        ResourceFunc::Method(r, m) => (r, Member::Method(lower_camel(m))),
        ResourceFunc::Static(r, m) => (r, Member::Static(lower_camel(m))),
    };
    resources
        .contains_key(resource)
        .then(|| Shape::ClassMember {
            resource: resource.to_string(),
            member,
        })
}

/// What a resource-shaped function name means.
pub enum ResourceFunc<'a> {
    Constructor(&'a str),
    Method(&'a str, &'a str),
    Static(&'a str, &'a str),
}

/// Parses `[constructor]r`, `[method]r.m` and `[static]r.s`.
pub fn resource_func(name: &str) -> Option<ResourceFunc<'_>> {
    if let Some(r) = name.strip_prefix("[constructor]") {
        return Some(ResourceFunc::Constructor(r));
    }
    if let Some(rest) = name.strip_prefix("[method]") {
        let (r, m) = rest.split_once('.')?;
        return Some(ResourceFunc::Method(r, m));
    }
    if let Some(rest) = name.strip_prefix("[static]") {
        let (r, m) = rest.split_once('.')?;
        return Some(ResourceFunc::Static(r, m));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn func(n: &str) -> (String, ExportKind) {
        (n.to_string(), ExportKind::Func)
    }

    #[test]
    fn functions_own_their_short_names_wherever_they_stand() {
        let s = ExportSurface::new(&[
            (
                "a:b/run".to_string(),
                ExportKind::Interface(vec![func("go")]),
            ),
            func("run"),
            (
                "a:b/other-thing@1.0.0".to_string(),
                ExportKind::Interface(vec![]),
            ),
        ]);
        assert_eq!(s.short_name("run"), Some("run"));
        assert_eq!(s.short_name("a:b/run"), None);
        assert_eq!(s.items[0].shape, Shape::Keys(vec!["a:b/run".into()]));
        assert_eq!(s.short_name("a:b/other-thing@1.0.0"), Some("otherThing"));
        assert_eq!(
            s.items[2].shape,
            Shape::Keys(vec!["a:b/other-thing@1.0.0".into(), "otherThing".into()])
        );
    }

    #[test]
    fn resource_functions_become_class_members() {
        let iface = ExportKind::Interface(vec![
            ("counter".to_string(), ExportKind::Resource),
            func("[constructor]counter"),
            func("[method]counter.get-value"),
            func("make-one"),
        ]);
        let s = ExportSurface::new(&[("a:b/c".to_string(), iface)]);
        let m = &s.items[0].members;
        assert_eq!(m[0].shape, Shape::Keys(vec!["Counter".into()]));
        assert_eq!(
            m[2].shape,
            Shape::ClassMember {
                resource: "counter".into(),
                member: Member::Method("getValue".into())
            }
        );
        assert_eq!(
            m[3].shape,
            Shape::Keys(vec!["makeOne".into(), "make-one".into()])
        );
    }
}
