//! Namespace objects in the glue (jco's `--use-namespace-objects`, and the
//! flag bits of `--flags-as-bigint`): one frozen object per flags, enum or
//! variant type, exported beside the functions of each interface that
//! defines or `use`s the type (`exports.Color.DarkBlue`), and at the root for
//! the world's own types. Which types: [`crate::wit::export_namespaces`].

use crate::names::quote;
use crate::value_style::{namespace_key, NamespaceKind, ValueStyle};
use crate::wit::{ExportNamespaces, NamespaceObject};

/// The namespace objects of one glue module.
pub struct Namespaces {
    found: ExportNamespaces,
}

impl Namespaces {
    /// The objects `component` needs under `style` (none: nothing decoded).
    /// A component without a WIT view (its `.d.ts` is the loose fallback)
    /// has none: there are no type names to give them.
    pub fn of(component: &[u8], style: ValueStyle) -> Self {
        let found = crate::wit::export_namespaces(component, style).unwrap_or_default();
        Namespaces { found }
    }

    /// `const nsI = Object.freeze({ ... });` for every object.
    pub fn decls(&self, style: ValueStyle) -> String {
        (self.found.objects.iter().enumerate())
            .map(|(i, o)| {
                format!(
                    "const ns{i} = Object.freeze({{ {} }});\n",
                    entries(o, style)
                )
            })
            .collect()
    }

    /// `'TypeName': nsI` members of the export object of `export` (an
    /// interface's export name, `""` for the world).
    pub fn members(&self, export: &str) -> Vec<(String, String)> {
        let members = self.found.members.get(export).map(Vec::as_slice);
        (members.unwrap_or_default().iter())
            .map(|(name, i)| (name.clone(), format!("ns{i}")))
            .collect()
    }
}

/// The entries of one object: `Read: 1n`, `DarkBlue: 'dark-blue'`,
/// `Circle: (val) => ({ tag: 'circle', val })`, `None: () => ({ tag: 'none' })`.
fn entries(o: &NamespaceObject, style: ValueStyle) -> String {
    let entry = |(i, (case, payload)): (usize, &(String, bool))| {
        let value = match o.kind {
            NamespaceKind::Flags => format!("{}n", 1u64 << i),
            NamespaceKind::Enum => style.enum_literal(case),
            NamespaceKind::Variant if *payload => {
                format!("(val) => ({{ tag: {}, val }})", quote(case))
            }
            NamespaceKind::Variant => format!("() => ({{ tag: {} }})", quote(case)),
        };
        format!("{}: {value}", namespace_key(case))
    };
    let list: Vec<String> = o.cases.iter().enumerate().map(entry).collect();
    list.join(", ")
}
