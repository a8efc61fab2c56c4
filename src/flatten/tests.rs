//! `flatten` on small components written as text: what the plan records
//! for nesting, imports, lowers, resources, module reuse and unsupported input.

use super::flatten;
use crate::plan::*;

fn plan(wat: &str) -> Plan {
    let bytes = wat::parse_str(wat).expect("valid component text");
    let ir = crate::parse::parse(&bytes).expect("valid component");
    flatten(&ir).expect("flattens")
}

const INNER: &str = r#"
  (component $inner
    (core module $m (func (export "f") (result i32) i32.const 7))
    (core instance $i (instantiate $m))
    (func $f (result u32) (canon lift (core func $i "f")))
    (export "f" (func $f)))
"#;

#[test]
fn nested_components_become_component_instances() {
    let p = plan(&format!(
        r#"(component {INNER}
            (instance $a (instantiate $inner))
            (instance $b (instantiate $inner))
            (export "f" (func $b "f")))"#
    ));
    let root = ComponentInstanceIdx::new(0);
    assert_eq!(p.component_instances.len(), 3);
    assert!(p
        .component_instances
        .iter()
        .skip(1)
        .all(|c| *c == Some(root)));
    // One module, instantiated once per component instance.
    assert_eq!(p.modules.len(), 1);
    assert_eq!(p.instances.len(), 2);
    assert_eq!(p.lifted.len(), 2);
    // The export is the second instance's lift, which belongs to it.
    let [(name, ExportItem::Func(Callee::Lifted(l), _))] = &p.exports[..] else {
        panic!("one function export: {:?}", p.exports)
    };
    assert_eq!(name, "f");
    assert_eq!(
        p.lifted[*l].component_instance,
        ComponentInstanceIdx::new(2)
    );
    let CoreDef::Export { instance, name } = &p.lifted[*l].core else {
        panic!("a core export")
    };
    assert_eq!((instance.index(), name.as_str()), (1, "f"));
}

#[test]
fn imported_functions_are_lowered_into_core_instances() {
    let p = plan(
        r#"(component
            (import "log" (func $log (param "x" u32)))
            (core func $lg (canon lower (func $log)))
            (core module $m (import "host" "log" (func (param i32))))
            (core instance $h (export "log" (func $lg)))
            (core instance $i (instantiate $m (with "host" (instance $h)))))"#,
    );
    assert_eq!(p.imports.len(), 1);
    assert_eq!(p.imports[ImportIdx::new(0)].name, "log");
    let l = &p.lowered[LoweredIdx::new(0)];
    assert_eq!(
        l.callee,
        Callee::Host {
            import: ImportIdx::new(0),
            path: vec![]
        }
    );
    let inst = &p.instances[CoreInstanceIdx::new(0)];
    let [(module, CoreInstanceArg::Bag(items))] = &inst.args[..] else {
        panic!("one bag of imports: {:?}", inst.args)
    };
    assert_eq!(module, "host");
    assert_eq!(
        items[..],
        [("log".to_string(), CoreDef::Lowered(LoweredIdx::new(0)))]
    );
    assert!(!p.uses_async());
}

#[test]
fn each_instantiation_gets_its_own_resource_type() {
    let p = plan(
        r#"(component
            (component $c
              (type $r (resource (rep i32)))
              (export "r" (type $r)))
            (instance $a (instantiate $c))
            (instance $b (instantiate $c))
            (export "r" (type $b "r")))"#,
    );
    assert_eq!(p.resources.len(), 2);
    let impls: Vec<_> = p.resources.iter().map(|r| r.impl_instance).collect();
    assert_eq!(
        impls,
        [
            Some(ComponentInstanceIdx::new(1)),
            Some(ComponentInstanceIdx::new(2))
        ]
    );
    assert!(matches!(
        &p.exports[..],
        [(n, ExportItem::Resource(rt))] if n == "r" && rt.index() == 1
    ));
}

#[test]
fn importing_a_component_is_reported_not_flattened() {
    let bytes = wat::parse_str(r#"(component (import "c" (component)))"#).unwrap();
    let ir = crate::parse::parse(&bytes).unwrap();
    let err = flatten(&ir).expect_err("unsupported");
    assert!(
        err.message.contains("importing a component"),
        "{}",
        err.message
    );
}
