//! The WASI host (`js-runtime/wasi/` for 0.2 and `js-runtime/wasi3/`, which
//! adds the 0.3 interfaces to the same import object; hand-written and tested
//! JS) embedded in weft: written next to the glue as `wasi/` and `wasi3/` when
//! a component imports WASI in plain-ESM output and the user maps nothing
//! else, and run by `weft run`.

use crate::names::{map_import, strip_version};
use crate::plan::Plan;

/// Every runtime file (Node and browser entries and what they import).
pub const FILES: &[(&str, &str)] = &[
    ("browser.js", include_str!("../js-runtime/wasi/browser.js")),
    ("cli.js", include_str!("../js-runtime/wasi/cli.js")),
    ("clocks.js", include_str!("../js-runtime/wasi/clocks.js")),
    (
        "esm-common.js",
        include_str!("../js-runtime/wasi/esm-common.js"),
    ),
    ("esm.js", include_str!("../js-runtime/wasi/esm.js")),
    (
        "fd-reader.js",
        include_str!("../js-runtime/wasi/fd-reader.js"),
    ),
    (
        "filesystem-common.js",
        include_str!("../js-runtime/wasi/filesystem-common.js"),
    ),
    (
        "filesystem-memory.js",
        include_str!("../js-runtime/wasi/filesystem-memory.js"),
    ),
    (
        "filesystem-node.js",
        include_str!("../js-runtime/wasi/filesystem-node.js"),
    ),
    (
        "filesystem-opfs.js",
        include_str!("../js-runtime/wasi/filesystem-opfs.js"),
    ),
    (
        "http-browser.js",
        include_str!("../js-runtime/wasi/http-browser.js"),
    ),
    (
        "http-request-parts.js",
        include_str!("../js-runtime/wasi/http-request-parts.js"),
    ),
    (
        "http-server.js",
        include_str!("../js-runtime/wasi/http-server.js"),
    ),
    ("http.js", include_str!("../js-runtime/wasi/http.js")),
    ("imports.js", include_str!("../js-runtime/wasi/imports.js")),
    ("index.js", include_str!("../js-runtime/wasi/index.js")),
    ("io.js", include_str!("../js-runtime/wasi/io.js")),
    ("jspi.js", include_str!("../js-runtime/wasi/jspi.js")),
    (
        "net-bridge.js",
        include_str!("../js-runtime/wasi/net-bridge.js"),
    ),
    (
        "net-worker.js",
        include_str!("../js-runtime/wasi/net-worker.js"),
    ),
    ("random.js", include_str!("../js-runtime/wasi/random.js")),
    (
        "socket-address.js",
        include_str!("../js-runtime/wasi/socket-address.js"),
    ),
    (
        "socket-errno.js",
        include_str!("../js-runtime/wasi/socket-errno.js"),
    ),
    (
        "socket-options.js",
        include_str!("../js-runtime/wasi/socket-options.js"),
    ),
    (
        "sockets-node.js",
        include_str!("../js-runtime/wasi/sockets-node.js"),
    ),
    ("sockets.js", include_str!("../js-runtime/wasi/sockets.js")),
    (
        "stdio-async.js",
        include_str!("../js-runtime/wasi/stdio-async.js"),
    ),
    ("time.js", include_str!("../js-runtime/wasi/time.js")),
];

/// The WASI 0.3 files (`js-runtime/wasi3/`, tests aside), written as `wasi3/`.
pub const FILES3: &[(&str, &str)] = &[
    ("cli.js", include_str!("../js-runtime/wasi3/cli.js")),
    ("clocks.js", include_str!("../js-runtime/wasi3/clocks.js")),
    (
        "http-fetch.js",
        include_str!("../js-runtime/wasi3/http-fetch.js"),
    ),
    (
        "http-handler.js",
        include_str!("../js-runtime/wasi3/http-handler.js"),
    ),
    (
        "http-node.js",
        include_str!("../js-runtime/wasi3/http-node.js"),
    ),
    (
        "http-server3.js",
        include_str!("../js-runtime/wasi3/http-server3.js"),
    ),
    ("http.js", include_str!("../js-runtime/wasi3/http.js")),
    ("imports.js", include_str!("../js-runtime/wasi3/imports.js")),
    (
        "filesystem.js",
        include_str!("../js-runtime/wasi3/filesystem.js"),
    ),
    ("random.js", include_str!("../js-runtime/wasi3/random.js")),
    ("run.js", include_str!("../js-runtime/wasi3/run.js")),
    (
        "sockets-node.js",
        include_str!("../js-runtime/wasi3/sockets-node.js"),
    ),
    ("sockets.js", include_str!("../js-runtime/wasi3/sockets.js")),
];

/// Every host file with its path in the output directory (`wasi/...`, `wasi3/...`).
pub fn files() -> impl Iterator<Item = (String, &'static str)> {
    let at = |dir: &'static str| {
        move |(name, src): &(&str, &'static str)| (format!("{dir}/{name}"), *src)
    };
    FILES
        .iter()
        .map(at("wasi"))
        .chain(FILES3.iter().map(at("wasi3")))
}

/// The `--map` entry that points `wasi:*` at the written host.
pub const MAP: (&str, &str) = ("wasi:*", "./wasi/esm.js#*");

/// Interfaces whose 0.3 version reuses its 0.2 names with other shapes (a
/// `descriptor` with other methods): the host serves their 0.3 version under
/// a key of its own, `<interface>@0.3`.
const OWN_KEY_03: &[&str] = &[
    "wasi:clocks/timezone",
    "wasi:filesystem/types",
    "wasi:filesystem/preopens",
    "wasi:http/types",
    "wasi:sockets/ip-name-lookup",
];

/// `--map` entries that send the component's imports of those 0.3 interfaces
/// (any patch version) to their own keys: the import object key in
/// instantiation modes, or `esm`'s export of that name for plain ESM (`esm`
/// is the bundled host's module, e.g. `./wasi/esm.js`). Imports the user's
/// map already sends elsewhere are left alone.
pub fn version_map(
    plan: &Plan,
    user_map: &[(String, String)],
    esm: Option<&str>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for i in &plan.imports {
        let bare = strip_version(&i.name);
        let is_03 = i.name[bare.len()..].starts_with("@0.3.");
        let spec = map_import(&i.name, user_map);
        if !is_03 || !OWN_KEY_03.contains(&bare) || spec.module != bare || spec.member.is_some() {
            continue;
        }
        let pattern = format!("{bare}@0.3.*");
        let key = format!("{bare}@0.3");
        let target = match esm {
            Some(module) => format!("{module}#{}", &key["wasi:".len()..]),
            None => key,
        };
        if !out.iter().any(|(p, _)| *p == pattern) {
            out.push((pattern, target));
        }
    }
    out
}

/// True when the component imports a WASI interface the user's `--map` does
/// not send elsewhere.
pub fn needs_bundled_host(plan: &Plan, user_map: &[(String, String)]) -> bool {
    plan.imports.iter().any(|i| {
        let name = i.name.as_str();
        if !name.starts_with("wasi:") {
            return false;
        }
        let spec = map_import(name, user_map);
        spec.member.is_none() && spec.module == strip_version(name)
    })
}

#[cfg(test)]
mod tests {
    use super::{files, FILES, FILES3};

    /// Every runtime file of js-runtime/wasi/ and wasi3/ (tests aside) is embedded.
    #[test]
    fn every_runtime_file_is_embedded() {
        for (dir, list) in [("wasi", FILES), ("wasi3", FILES3)] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("js-runtime")
                .join(dir);
            for e in std::fs::read_dir(path).unwrap().flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.ends_with(".js") && !name.ends_with(".test.js") {
                    assert!(
                        list.iter().any(|(n, _)| *n == name),
                        "js-runtime/{dir}/{name} is not embedded"
                    );
                }
            }
        }
    }

    /// Imports between wasi/ and wasi3/ resolve to embedded files.
    #[test]
    fn cross_directory_imports_resolve() {
        let all: Vec<String> = files().map(|(p, _)| p).collect();
        for (path, src) in files() {
            let dir = &path[..path.find('/').unwrap()];
            let code: String = src
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for (sep, base) in [("from './", dir), ("from '../", "")] {
                for part in code.split(sep).skip(1) {
                    let dep = part.split('\'').next().unwrap();
                    let full = if base.is_empty() {
                        dep.to_string()
                    } else {
                        format!("{base}/{dep}")
                    };
                    assert!(
                        all.contains(&full),
                        "{path} imports {full}, which is not embedded"
                    );
                }
            }
        }
    }

    /// Every relative import or `new URL('./x', import.meta.url)` of the host resolves to an embedded file.
    #[test]
    fn embedded_host_is_self_contained() {
        for (list, name, src) in FILES
            .iter()
            .map(|(n, s)| (FILES, n, s))
            .chain(FILES3.iter().map(|(n, s)| (FILES3, n, s)))
        {
            let code: String = src
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for sep in ["from './", "import('./", "new URL('./"] {
                for part in code.split(sep).skip(1) {
                    let dep = part.split('\'').next().unwrap();
                    assert!(
                        list.iter().any(|(n, _)| *n == dep),
                        "{name} refers to ./{dep}, which is not embedded"
                    );
                }
            }
        }
    }
}
