//! How component names become JS and TypeScript names, shared by the glue and
//! the `.d.ts` so they never disagree: case conversion (with the same word
//! splitting jco uses, so generated names match), JS reserved words, quoting
//! of property keys, interface file names, export names of interfaces, and
//! import specifiers (version dropping and `--map` patterns).

/// Words that cannot name a declared function, parameter or binding in strict
/// ES module code (plus the strict-mode-restricted `eval` and `arguments`).
const RESERVED: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// True if `name` is a JS reserved word (or `eval`/`arguments`).
pub fn is_reserved(name: &str) -> bool {
    RESERVED.binary_search(&name).is_ok()
}

/// True if `name` can be used as a plain identifier (ASCII identifiers only,
/// reserved words excluded).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') && !is_reserved(name)
}

/// A property key: the name itself when it is an identifier, else quoted.
pub fn property_key(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        quote(name)
    }
}

/// A single-quoted JS/TS string literal; control characters and the line
/// separators JS forbids in literals are escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Splits a name into words: at every non-alphanumeric character, between a
/// lowercase letter or digit and an uppercase letter, and before the last
/// capital of an acronym followed by a lowercase letter (`HTTPServer` ->
/// `HTTP`, `Server`).
fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<(usize, char)> = part.char_indices().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (at, c) = chars[i];
            let prev = chars[i - 1].1;
            let next = chars.get(i + 1).map(|&(_, c)| c);
            let boundary = (c.is_uppercase() && (prev.is_lowercase() || prev.is_numeric()))
                || (c.is_uppercase()
                    && prev.is_uppercase()
                    && next.is_some_and(|n| n.is_lowercase()));
            if boundary {
                out.push(&part[start..at]);
                start = at;
            }
        }
        if start < part.len() {
            out.push(&part[start..]);
        }
    }
    out
}

fn capitalize(word: &str, out: &mut String) {
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.extend(chars.flat_map(char::to_lowercase));
    }
}

/// `kebab-name` -> `kebabName`.
pub fn lower_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, word) in words(name).into_iter().enumerate() {
        if i == 0 {
            out.push_str(&word.to_lowercase());
        } else {
            capitalize(word, &mut out);
        }
    }
    out
}

/// `kebab-name` -> `KebabName`.
pub fn upper_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in words(name) {
        capitalize(word, &mut out);
    }
    out
}

/// `Any Name` -> `any-name`.
pub fn kebab(name: &str) -> String {
    words(name)
        .into_iter()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// A function's declared name (lowerCamel of the kebab name) and whether it is
/// reserved (then it is declared as `_name` and exported `as name`).
pub fn function_name(kebab_name: &str) -> (String, bool) {
    let name = lower_camel(kebab_name);
    let reserved = is_reserved(&name);
    (name, reserved)
}

/// A parameter name: lowerCamel, with `_` appended to reserved words.
pub fn param_name(kebab_name: &str) -> String {
    let mut name = lower_camel(kebab_name);
    if is_reserved(&name) {
        name.push('_');
    }
    name
}

/// A type or class name: UpperCamel of the kebab name.
pub fn type_name(kebab_name: &str) -> String {
    upper_camel(kebab_name)
}

/// The `@version` suffix of an interface id removed: `a:b/c@1.0.0` -> `a:b/c`.
pub fn strip_version(id: &str) -> &str {
    match id.find('@') {
        Some(at) => &id[..at],
        None => id,
    }
}

/// File stem of an interface's declaration file: `wasi:cli/environment@0.2.0`
/// -> `wasi-cli-environment` (jco's naming).
pub fn interface_file_stem(id: &str) -> String {
    kebab(&strip_version(id).replace(['/', ':'], "-"))
}

/// The JS export name of an exported instance: `ns:pkg/my-iface@1.0.0` -> `myIface`.
pub fn interface_export_name(full: &str) -> String {
    let no_ver = strip_version(full);
    let short = match no_ver.rfind('/') {
        Some(i) => &no_ver[i + 1..],
        None => no_ver.rsplit(':').next().unwrap_or(no_ver),
    };
    lower_camel(short)
}

/// Where an import is loaded from after `--map`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specifier {
    /// The module specifier.
    pub module: String,
    /// An export of that module used as the namespace (`module#member`).
    pub member: Option<String>,
}

/// Maps an import name (`wasi:cli/stdout@0.2.0`) to its specifier. The most
/// specific matching `(pattern, replacement)` wins, whatever the order given:
/// an exact name (with its version before without) beats any `*` pattern; a
/// pattern naming a version (`wasi:cli/*@0.3.0`, matched against the full
/// name) beats one without (matched against the name without its version,
/// else the full name); among those, the pattern with more literal text
/// (`wasi:cli/std*` over `wasi:*`); a tie goes to the first given. `*` matches
/// any text, which replaces `*` in the replacement. Unmapped names just lose
/// their version.
pub fn map_import(name: &str, map: &[(String, String)]) -> Specifier {
    let bare = strip_version(name);
    // (exact, exact with version, pattern with version, pattern length)
    type Rank = (bool, bool, bool, usize);
    let mut best: Option<(Rank, &str, &str)> = None;
    for (pattern, replacement) in map {
        let versioned = pattern.contains('@');
        let candidates: &[&str] = if versioned { &[name] } else { &[bare, name] };
        let Some(captured) = candidates.iter().find_map(|c| wildcard_match(pattern, c)) else {
            continue;
        };
        let exact = !pattern.contains('*');
        let rank = (exact, exact && versioned, versioned, pattern.len());
        if best.as_ref().is_none_or(|(r, ..)| rank > *r) {
            best = Some((rank, replacement, captured));
        }
    }
    let Some((_, replacement, captured)) = best else {
        return Specifier {
            module: bare.to_string(),
            member: None,
        };
    };
    let replaced = replacement.replacen('*', captured, 1);
    match replaced.split_once('#') {
        Some((module, member)) => Specifier {
            module: module.to_string(),
            member: Some(member.to_string()),
        },
        None => Specifier {
            module: replaced,
            member: None,
        },
    }
}

/// Matches `pattern` (at most one `*`) against `s`; returns what `*` matched.
fn wildcard_match<'a>(pattern: &str, s: &'a str) -> Option<&'a str> {
    match pattern.split_once('*') {
        None => (pattern == s).then_some(""),
        Some((pre, post)) => {
            (s.len() >= pre.len() + post.len() && s.starts_with(pre) && s.ends_with(post))
                .then(|| &s[pre.len()..s.len() - post.len()])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_list_is_sorted() {
        assert!(RESERVED.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn cases() {
        assert_eq!(lower_camel("y-coord"), "yCoord");
        assert_eq!(lower_camel("get-HTTP-thing"), "getHttpThing");
        assert_eq!(lower_camel("utf8-string"), "utf8String");
        assert_eq!(upper_camel("test:values/types@1.0.0"), "TestValuesTypes100");
        assert_eq!(upper_camel("dark-green"), "DarkGreen");
        assert_eq!(upper_camel("HTTPServer"), "HttpServer");
        assert_eq!(kebab("test-values-Types"), "test-values-types");
        assert_eq!(
            interface_file_stem("wasi:cli/environment@0.2.0"),
            "wasi-cli-environment"
        );
        assert_eq!(param_name("class"), "class_");
        assert_eq!(function_name("delete"), ("delete".to_string(), true));
        assert_eq!(property_key("class"), "'class'");
        assert_eq!(property_key("x"), "x");
    }

    #[test]
    fn interface_export_names() {
        assert_eq!(interface_export_name("ns:pkg/my-iface@1.0.0"), "myIface");
        assert_eq!(interface_export_name("plain-name"), "plainName");
    }

    #[test]
    fn maps() {
        let map = vec![
            ("wasi:*".to_string(), "@scope/shim/*".to_string()),
            ("a:b/c".to_string(), "./c.js".to_string()),
            ("x:*/iface".to_string(), "pkg-*#iface".to_string()),
        ];
        let module = |name| map_import(name, &map).module;
        assert_eq!(module("wasi:cli/env@0.2.0"), "@scope/shim/cli/env");
        assert_eq!(module("a:b/c@1.0.0"), "./c.js");
        assert_eq!(module("q:r/s@1.0.0"), "q:r/s");
        assert_eq!(
            map_import("x:y/iface", &map),
            Specifier {
                module: "pkg-y".into(),
                member: Some("iface".into())
            }
        );
    }

    /// The most specific pattern wins, in any order: exact (versioned, then
    /// bare) > versioned pattern > unversioned pattern, then more literal text.
    #[test]
    fn map_precedence() {
        let entry = |p: &str, r: &str| (p.to_string(), r.to_string());
        let stdout = "wasi:cli/stdout@0.3.0";
        let pick = |map: &[(String, String)], name| map_import(name, map).module;
        let mut map = vec![
            entry("wasi:*", "W"),
            entry("wasi:cli/*", "A"),
            entry("wasi:cli/*@0.3.0", "B"),
        ];
        for _ in 0..3 {
            assert_eq!(pick(&map, stdout), "B", "{map:?}");
            assert_eq!(pick(&map, "wasi:cli/stdout@0.2.0"), "A", "{map:?}");
            assert_eq!(pick(&map, "wasi:io/streams@0.3.0"), "W", "{map:?}");
            map.rotate_left(1);
        }
        let mut map = vec![
            entry("wasi:cli/*@0.3.0", "B"),
            entry("wasi:cli/stdout", "bare"),
            entry("wasi:cli/stdout@0.3.0", "exact"),
        ];
        for _ in 0..3 {
            assert_eq!(pick(&map, stdout), "exact", "{map:?}");
            assert_eq!(pick(&map, "wasi:cli/stdout@0.2.0"), "bare", "{map:?}");
            map.rotate_left(1);
        }
        // a longer (more literal) pattern beats a shorter one of its class
        let map = vec![entry("wasi:cli/*", "A"), entry("wasi:cli/std*", "S")];
        assert_eq!(pick(&map, stdout), "S");
        assert_eq!(pick(&map, "wasi:cli/stdin@0.3.0"), "S");
        assert_eq!(pick(&map, "wasi:cli/env@0.3.0"), "A");
        // a tie goes to the first given
        let map = vec![entry("x:*/a", "1"), entry("x:y/*", "2")];
        assert_eq!(pick(&map, "x:y/a"), "1");
    }
}
