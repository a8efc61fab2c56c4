//! How component names become JS names: lowerCamelCase functions and fields,
//! import specifiers without `@version`, and `--map` rewriting. The glue and
//! the `.d.ts` both use these, so JS and types never disagree.

/// `get-foo-bar` -> `getFooBar`; reserved words get a `$` suffix-free escape.
pub fn to_lower_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else if out.is_empty() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `get-foo-bar` -> `GetFooBar`.
pub fn to_upper_camel(name: &str) -> String {
    let lower = to_lower_camel(name);
    let mut cs = lower.chars();
    match cs.next() {
        Some(f) => f.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// The JS identifier for a name, escaping reserved words with a trailing `_`.
pub fn js_ident(name: &str) -> String {
    let camel = to_lower_camel(name);
    if is_reserved(&camel) {
        format!("{camel}_")
    } else {
        camel
    }
}

pub fn is_reserved(s: &str) -> bool {
    matches!(
        s,
        "await"
            | "break"
            | "case"
            | "catch"
            | "class"
            | "const"
            | "continue"
            | "debugger"
            | "default"
            | "delete"
            | "do"
            | "else"
            | "enum"
            | "export"
            | "extends"
            | "false"
            | "finally"
            | "for"
            | "function"
            | "if"
            | "implements"
            | "import"
            | "in"
            | "instanceof"
            | "interface"
            | "let"
            | "new"
            | "null"
            | "package"
            | "private"
            | "protected"
            | "public"
            | "return"
            | "static"
            | "super"
            | "switch"
            | "this"
            | "throw"
            | "true"
            | "try"
            | "typeof"
            | "var"
            | "void"
            | "while"
            | "with"
            | "yield"
            | "arguments"
            | "eval"
            | "undefined"
            | "NaN"
            | "Infinity"
    )
}

/// The JS export name of an exported instance: `ns:pkg/iface@1.0.0` -> `iface`.
pub fn interface_export_name(full: &str) -> String {
    js_ident(interface_short_name(full))
}

/// `ns:pkg/iface@1.0.0` -> `iface`; plain names are returned unchanged.
pub fn interface_short_name(full: &str) -> &str {
    let no_ver = strip_version(full);
    match no_ver.rfind('/') {
        Some(i) => &no_ver[i + 1..],
        None => no_ver.rsplit(':').next().unwrap_or(no_ver),
    }
}

/// `ns:pkg/iface@1.0.0` -> `ns:pkg/iface`.
pub fn strip_version(name: &str) -> &str {
    match name.find('@') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

/// Result of mapping an import name through `--map`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specifier {
    /// The module specifier to import from.
    pub module: String,
    /// An export of that module to use as the namespace (`spec#member`).
    pub member: Option<String>,
}

/// Maps an import name (e.g. `wasi:cli/stdout@0.2.0`) to the module it is
/// imported from: the first matching `--map` pattern wins (`*` matches any
/// run of characters and is substituted into the replacement); otherwise the
/// name without its version.
pub fn map_import(name: &str, map: &[(String, String)]) -> Specifier {
    let bare = strip_version(name);
    for (pattern, replacement) in map {
        for candidate in [bare, name] {
            if let Some(captured) = wildcard_match(pattern, candidate) {
                let replaced = replacement.replacen('*', captured, 1);
                return match replaced.split_once('#') {
                    Some((m, member)) => Specifier {
                        module: m.to_string(),
                        member: Some(member.to_string()),
                    },
                    None => Specifier {
                        module: replaced,
                        member: None,
                    },
                };
            }
        }
    }
    Specifier {
        module: bare.to_string(),
        member: None,
    }
}

/// Matches `pattern` (with at most one `*`) against `s`, returning what `*` matched.
fn wildcard_match<'a>(pattern: &str, s: &'a str) -> Option<&'a str> {
    match pattern.split_once('*') {
        None => (pattern == s).then_some(""),
        Some((pre, post)) => {
            if s.len() >= pre.len() + post.len() && s.starts_with(pre) && s.ends_with(post) {
                Some(&s[pre.len()..s.len() - post.len()])
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_cases() {
        assert_eq!(to_lower_camel("get-foo-bar"), "getFooBar");
        assert_eq!(to_upper_camel("get-foo-bar"), "GetFooBar");
        assert_eq!(to_lower_camel("HTTP-thing"), "hTTPThing");
        assert_eq!(js_ident("delete"), "delete_");
        assert_eq!(interface_export_name("ns:pkg/my-iface@1.0.0"), "myIface");
        assert_eq!(interface_export_name("plain-name"), "plainName");
    }

    #[test]
    fn maps() {
        let map = vec![("wasi:*".to_string(), "@shim/*#x".to_string())];
        assert_eq!(
            map_import("wasi:cli/stdout@0.2.0", &map),
            Specifier {
                module: "@shim/cli/stdout".into(),
                member: Some("x".into())
            }
        );
        assert_eq!(map_import("a:b/c@1.0.0", &map).module, "a:b/c");
        let exact = vec![("a:b/c".to_string(), "./c.js".to_string())];
        assert_eq!(map_import("a:b/c@1.0.0", &exact).module, "./c.js");
    }
}
