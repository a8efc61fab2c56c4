//! jco's value-style options: how flags and enums look in JS, and whether
//! each flags, enum and variant type also gets a namespace object (a frozen
//! object of its values or case constructors). The glue (`emit::values`, the
//! export objects) and the `.d.ts` (`wit::decl`) both read them from here, so
//! one rule spells each JS value.

use crate::names::{quote, upper_camel};

/// The value style of the glue and its `.d.ts` (jco's defaults: all off).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValueStyle {
    /// A flags value is one `bigint` with bit `i` for flag `i`, not an
    /// object of booleans (`--flags-as-bigint`).
    pub flags_as_bigint: bool,
    /// Each flags, enum and variant type also has a namespace object:
    /// `Perms.Read` (a bit), `Color.DarkBlue` (a value), `Shape.Circle(1.5)`
    /// (a case value); implies bigint flags (`--use-namespace-objects`).
    pub namespace_objects: bool,
    /// Enum values in SCREAMING_SNAKE_CASE: `'DARK_BLUE'`, not `'dark-blue'`
    /// (`--enum-values-screaming-snake-case`).
    pub screaming_enums: bool,
}

/// Which kinds of types get a namespace object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamespaceKind {
    Flags,
    Enum,
    Variant,
}

impl ValueStyle {
    /// Whether flags travel as one `bigint`.
    pub fn bigint_flags(&self) -> bool {
        self.flags_as_bigint || self.namespace_objects
    }

    /// Whether a type of `kind` gets a namespace object: flags whenever they
    /// are bigints (the bits need names), enums and variants only with
    /// `namespace_objects`.
    pub fn has_namespace(&self, kind: NamespaceKind) -> bool {
        match kind {
            NamespaceKind::Flags => self.bigint_flags(),
            NamespaceKind::Enum | NamespaceKind::Variant => self.namespace_objects,
        }
    }

    /// Whether any type gets a namespace object.
    pub fn any_namespace(&self) -> bool {
        self.bigint_flags()
    }

    /// The style of values of interface `name` (`ns:pkg/iface@version`):
    /// WASI's keep the default, which the WASI hosts (weft's bundled one,
    /// jco's preview2-shim) speak; jco 1.35 restyles them too, and its own
    /// shim then fails on them (`'NO_ENTRY'` expected, `'no-entry'` given).
    pub fn for_interface(self, name: &str) -> ValueStyle {
        if name.starts_with("wasi:") {
            ValueStyle::default()
        } else {
            self
        }
    }

    /// The JS string value of enum case `case` (kebab-case WIT name).
    pub fn enum_value(&self, case: &str) -> String {
        if self.screaming_enums {
            case.to_uppercase().replace('-', "_")
        } else {
            case.to_string()
        }
    }

    /// The JS literal of enum case `case`: `'dark-blue'` or `'DARK_BLUE'`.
    pub fn enum_literal(&self, case: &str) -> String {
        quote(&self.enum_value(case))
    }
}

/// The key of a case (flag, enum case, variant case) in a namespace object:
/// `dark-blue` -> `DarkBlue`, `a1-b` -> `A1B`.
pub fn namespace_key(case: &str) -> String {
    upper_camel(case)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screaming_enum_values_and_keys() {
        let s = ValueStyle {
            screaming_enums: true,
            ..ValueStyle::default()
        };
        assert_eq!(s.enum_value("dark-blue"), "DARK_BLUE");
        assert_eq!(s.enum_value("a1-b"), "A1_B");
        assert_eq!(ValueStyle::default().enum_value("dark-blue"), "dark-blue");
        assert_eq!(namespace_key("x-y-z"), "XYZ");
        assert_eq!(namespace_key("http2"), "Http2");
        assert_eq!(namespace_key("a1-b"), "A1B");
    }

    #[test]
    fn namespace_objects_imply_bigint_flags() {
        let s = ValueStyle {
            namespace_objects: true,
            ..ValueStyle::default()
        };
        assert!(s.bigint_flags());
        assert!(s.has_namespace(NamespaceKind::Enum));
        let b = ValueStyle {
            flags_as_bigint: true,
            ..ValueStyle::default()
        };
        assert!(b.has_namespace(NamespaceKind::Flags));
        assert!(!b.has_namespace(NamespaceKind::Variant));
    }
}
