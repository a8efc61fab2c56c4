//! `--target workers|deno|bun|node`: besides the glue (async instantiation;
//! JSPI for a 0.2 handler), write the edge runtime (`js-runtime/edge/` as
//! `edge/`, with the portable parts of the WASI host as `wasi/` and `wasi3/`)
//! and an entry module that serves the component's
//! `wasi:http/incoming-handler` (WASI 0.2) or `wasi:http/handler@0.3.x` (WASI
//! 0.3) as a Fetch handler on that platform, plus its deployment
//! configuration (wrangler.toml and a workerd config for Workers).

use crate::plan::{ExportItem, Plan};
use crate::{Error, OutputFile, Result};

/// A platform `--target` writes an entry module for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeTarget {
    /// Cloudflare Workers (workerd): `export default { fetch }`, core modules as wasm imports.
    Workers,
    /// Deno: `Deno.serve`.
    Deno,
    /// Bun: `Bun.serve`.
    Bun,
    /// Node (JSPI: Node >= 24 with `--experimental-wasm-jspi`): `node:http`.
    Node,
}

/// The edge runtime files, written under `edge/`.
pub const EDGE_FILES: &[(&str, &str)] = &[
    (
        "fetch-handler.js",
        include_str!("../js-runtime/edge/fetch-handler.js"),
    ),
    (
        "fetch-handler3.js",
        include_str!("../js-runtime/edge/fetch-handler3.js"),
    ),
    ("http.js", include_str!("../js-runtime/edge/http.js")),
    ("index.js", include_str!("../js-runtime/edge/index.js")),
    ("no-jspi.js", include_str!("../js-runtime/edge/no-jspi.js")),
    ("wasi.js", include_str!("../js-runtime/edge/wasi.js")),
];

/// The WASI host files the edge runtime reaches (no `node:` import among them), written under `wasi/`.
pub const WASI_FILES: &[&str] = &[
    "cli.js",
    "clocks.js",
    "filesystem-common.js",
    "filesystem-memory.js",
    "http-request-parts.js",
    "http.js",
    "imports.js",
    "io.js",
    "jspi.js",
    "random.js",
    "sockets.js",
    "stdio-async.js",
    "time.js",
];

/// The WASI 0.3 host files the 0.2 import object pulls in (`wasi/imports.js`
/// adds the 0.3 interfaces to it) and the 0.3 handler's server side
/// (`http-handler.js`) and its client over `fetch` (`http-fetch.js`), Node-only
/// transports left out.
pub const WASI3_FILES: &[&str] = &[
    "cli.js",
    "clocks.js",
    "filesystem.js",
    "http-fetch.js",
    "http-handler.js",
    "http.js",
    "imports.js",
    "random.js",
    "sockets.js",
];

/// Whether an export name is a handler the edge runtime serves:
/// `wasi:http/incoming-handler` (0.2) or `wasi:http/handler@0.3.x`.
fn is_http_handler(name: &str) -> bool {
    match name.split_once('@') {
        Some(("wasi:http/handler", version)) => version.starts_with("0.3."),
        Some((interface, _)) => interface == "wasi:http/incoming-handler",
        None => name == "wasi:http/incoming-handler",
    }
}

/// Whether the served handler needs JSPI glue: a 0.2 `incoming-handler` blocks
/// in its stream calls; a `wasi:http/handler@0.3.x` (picked when both are
/// exported) is an async export and does not.
pub fn needs_jspi(plan: &Plan) -> bool {
    !plan.exports.iter().any(|(name, item)| {
        matches!(item, ExportItem::Instance(_))
            && is_http_handler(name)
            && name.starts_with("wasi:http/handler@")
    })
}

/// Checks that the component can be served: it exports `wasi:http/incoming-handler`
/// (WASI 0.2) or `wasi:http/handler@0.3.x` (WASI 0.3).
pub fn check_proxy(plan: &Plan, target: EdgeTarget) -> Result<()> {
    let serves = plan
        .exports
        .iter()
        .any(|(name, item)| matches!(item, ExportItem::Instance(_)) && is_http_handler(name));
    if serves {
        return Ok(());
    }
    Err(Error::unsupported(format!(
        "--target {}: the component exports no wasi:http/incoming-handler or wasi:http/handler@0.3.x (a wasi:http/proxy or wasi:http/service component is needed)",
        target.name()
    )))
}

impl EdgeTarget {
    /// The `--target` value.
    pub fn name(self) -> &'static str {
        match self {
            EdgeTarget::Workers => "workers",
            EdgeTarget::Deno => "deno",
            EdgeTarget::Bun => "bun",
            EdgeTarget::Node => "node",
        }
    }

    /// The entry module's file name.
    pub fn entry_file(self) -> &'static str {
        match self {
            EdgeTarget::Workers => "worker.js",
            EdgeTarget::Deno => "deno-server.js",
            EdgeTarget::Bun => "bun-server.js",
            EdgeTarget::Node => "node-server.mjs",
        }
    }
}

/// Adds the runtime, the entry and the platform's configuration to `files`
/// (which already holds the glue `<name>.js` and its core modules).
pub fn add_files(files: &mut Vec<OutputFile>, name: &str, target: EdgeTarget, jspi: bool) {
    let wasm: Vec<String> = files
        .iter()
        .filter(|f| f.path.ends_with(".wasm"))
        .map(|f| f.path.clone())
        .collect();
    let mut runtime: Vec<OutputFile> = EDGE_FILES
        .iter()
        .map(|(f, src)| file(&format!("edge/{f}"), src))
        .collect();
    for f in WASI_FILES {
        let (_, src) = crate::wasi_host::FILES
            .iter()
            .find(|(n, _)| n == f)
            .expect("WASI_FILES names embedded host files");
        runtime.push(file(&format!("wasi/{f}"), src));
    }
    for f in WASI3_FILES {
        let (_, src) = crate::wasi_host::FILES3
            .iter()
            .find(|(n, _)| n == f)
            .expect("WASI3_FILES names embedded host files");
        runtime.push(file(&format!("wasi3/{f}"), src));
    }
    let entry = entry(target, name, &wasm, jspi);
    if target == EdgeTarget::Workers {
        let mut modules = vec![target.entry_file().to_string(), format!("{name}.js")];
        modules.extend(runtime.iter().map(|f| f.path.clone()));
        files.push(file("workerd.capnp", &workerd_config(&modules, &wasm)));
        files.push(file("wrangler.toml", &wrangler_toml(name)));
    }
    files.extend(runtime);
    files.push(file(target.entry_file(), &entry));
}

fn file(path: &str, contents: &str) -> OutputFile {
    OutputFile {
        path: path.to_string(),
        contents: contents.as_bytes().to_vec(),
    }
}

/// A JS array literal of the core module file names.
fn js_list(wasm: &[String]) -> String {
    let items: Vec<String> = wasm.iter().map(|w| format!("'{w}'")).collect();
    format!("[{}]", items.join(", "))
}

/// The entry module for `target`; `jspi`: the glue is JSPI glue (a 0.2 handler).
fn entry(target: EdgeTarget, name: &str, wasm: &[String], jspi: bool) -> String {
    let head = format!(
        "// Generated by `weft transpile --target {}`: serves the component's\n\
         // wasi:http handler (0.2 incoming-handler or 0.3 handler) as a Fetch\n\
         // handler (edge/fetch-handler.js).\n\
         // instances: 'pooled' reuses instances across requests (fast; guest state\n\
         // persists between requests), 'per-request' isolates every request.\n\
         ",
        target.name()
    );
    let glue = format!("import {{ instantiate }} from './{name}.js';\n");
    let body = match target {
        EdgeTarget::Workers => {
            // workerd cannot compile the glue's JSPI shims (no run-time codegen).
            let mut s = if jspi {
                String::new()
            } else {
                "import './edge/no-jspi.js';\n".to_string()
            };
            s.push_str("import { toFetchHandler } from './edge/index.js';\n");
            for (i, w) in wasm.iter().enumerate() {
                s.push_str(&format!("import core{i} from './{w}';\n"));
            }
            let pairs: Vec<String> = wasm
                .iter()
                .enumerate()
                .map(|(i, w)| format!("'{w}': core{i}"))
                .collect();
            s.push_str(&format!(
                "const modules = {{ {} }};\n{WORKERS_TAIL}",
                pairs.join(", ")
            ));
            s
        }
        EdgeTarget::Deno => DENO.replace("{{FILES}}", &js_list(wasm)),
        EdgeTarget::Bun => BUN.replace("{{FILES}}", &js_list(wasm)),
        EdgeTarget::Node => {
            let check = if jspi {
                NODE_JSPI_CHECK
            } else {
                "// node node-server.mjs   (Node >= 20; HOST, PORT from the environment)\n"
            };
            NODE.replace("{{FILES}}", &js_list(wasm))
                .replace("{{JSPI_CHECK}}", check)
        }
    };
    // Without JSPI glue, the WASI host answers synchronously.
    let options = if jspi {
        "{ instances: 'pooled' }"
    } else {
        "{ instances: 'pooled', wasi: { jspi: false } }"
    };
    // Workers: the glue comes after `no-jspi.js` (imports run in order).
    let body = match body.find("import { toFetchHandler }") {
        Some(i) => format!("{}{glue}{}", &body[..i], &body[i..]),
        None => glue + &body,
    };
    head + &body.replace("{{OPTIONS}}", options)
}

const WORKERS_TAIL: &str = r#"const handler = toFetchHandler((imports) => instantiate((file) => modules[file], imports), {{OPTIONS}});
export default { fetch: (request) => handler(request) };
"#;

const DENO: &str = r#"import { toFetchHandler } from './edge/index.js';
// deno run --allow-net --allow-read=<this directory> --allow-env=HOST,PORT deno-server.js
const compile = async (f) => [f, await WebAssembly.compile(await Deno.readFile(new URL(f, import.meta.url)))];
const modules = Object.fromEntries(await Promise.all({{FILES}}.map(compile)));
const handler = toFetchHandler((imports) => instantiate((file) => modules[file], imports), {{OPTIONS}});
const hostname = Deno.env.get('HOST') ?? '127.0.0.1';
const port = Number(Deno.env.get('PORT') ?? 8000);
Deno.serve({ hostname, port, onListen: (a) => console.log(`listening on http://${a.hostname}:${a.port}/`) }, (request) => handler(request));
"#;

const BUN: &str = r#"import { toFetchHandler } from './edge/index.js';
// bun bun-server.js   (HOST, PORT from the environment; default 127.0.0.1:8000)
const compile = async (f) => [f, await WebAssembly.compile(await Bun.file(new URL(f, import.meta.url)).arrayBuffer())];
const modules = Object.fromEntries(await Promise.all({{FILES}}.map(compile)));
const handler = toFetchHandler((imports) => instantiate((file) => modules[file], imports), {{OPTIONS}});
const server = Bun.serve({ hostname: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 8000), fetch: (request) => handler(request) });
console.log(`listening on http://${server.hostname}:${server.port}/`);
"#;

const NODE: &str = r#"import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { Readable } from 'node:stream';
import { toFetchHandler, trailersOf } from './edge/index.js';
{{JSPI_CHECK}}const compile = async (f) => [f, await WebAssembly.compile(await readFile(new URL(f, import.meta.url)))];
const modules = Object.fromEntries(await Promise.all({{FILES}}.map(compile)));
const handler = toFetchHandler((imports) => instantiate((file) => modules[file], imports), {{OPTIONS}});

/** A node:http request as a Fetch Request (the body streams). */
function toRequest(req) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req);
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url}`, { method: req.method, headers, body, duplex: 'half' });
}

const server = http.createServer(async (req, res) => {
  try {
    const response = await handler(toRequest(req));
    res.writeHead(response.status, [...response.headers].flat());
    if (response.body) {
      for await (const chunk of response.body) if (!res.write(chunk)) await once(res, 'drain');
    }
    const trailers = await trailersOf(response);
    if (trailers) res.addTrailers([...trailers]);
    res.end();
  } catch (e) {
    res.destroy(e);
  }
});
server.listen(Number(process.env.PORT ?? 8000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}/`);
});
"#;

/// The Node entry's JSPI requirement (a 0.2 handler).
const NODE_JSPI_CHECK: &str = r#"// node --experimental-wasm-jspi node-server.mjs   (Node >= 24; HOST, PORT from the environment)
if (typeof WebAssembly.Suspending !== 'function') {
  console.error('error: this server needs JSPI (WebAssembly.Suspending): Node >= 24 with --experimental-wasm-jspi');
  process.exit(1);
}
"#;

/// A workerd configuration serving the worker on 127.0.0.1:8080 (`workerd serve workerd.capnp`).
fn workerd_config(modules: &[String], wasm: &[String]) -> String {
    let mut list: Vec<String> = modules
        .iter()
        .map(|m| format!("    (name = \"{m}\", esModule = embed \"{m}\"),"))
        .collect();
    list.extend(
        wasm.iter()
            .map(|w| format!("    (name = \"{w}\", wasm = embed \"{w}\"),")),
    );
    format!(
        r#"# Generated by `weft transpile --target workers`: `workerd serve workerd.capnp`.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # Outgoing fetch: public addresses, and local ones for development.
    (name = "internet", network = (allow = ["public", "local", "private"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
{}
  ],
  compatibilityDate = "2025-11-01",
);
"#,
        list.join("\n")
    )
}

/// A minimal wrangler.toml (`wrangler deploy`; `.wasm` imports are compiled modules by default).
fn wrangler_toml(name: &str) -> String {
    format!(
        "# Generated by `weft transpile --target workers`: `npx wrangler dev` / `npx wrangler deploy`.\n\
         name = \"{name}\"\n\
         main = \"worker.js\"\n\
         compatibility_date = \"2025-11-01\"\n"
    )
}

#[cfg(test)]
mod tests {
    use super::{is_http_handler, EDGE_FILES, WASI3_FILES, WASI_FILES};

    /// Both handler versions are served; other interfaces and other `handler` versions are not.
    #[test]
    fn edge_serves_the_0_2_and_0_3_handlers() {
        assert!(is_http_handler("wasi:http/incoming-handler@0.2.6"));
        assert!(is_http_handler("wasi:http/incoming-handler"));
        assert!(is_http_handler("wasi:http/handler@0.3.0-rc-2026-03-15"));
        assert!(is_http_handler("wasi:http/handler@0.3.2"));
        assert!(!is_http_handler("wasi:http/handler@0.4.0"));
        assert!(!is_http_handler("wasi:http/handler"));
        assert!(!is_http_handler("wasi:cli/run@0.3.2"));
        assert!(!is_http_handler("wasi:http/outgoing-handler@0.2.6"));
    }

    /// Every edge runtime file is embedded, and every relative import resolves to an embedded file.
    #[test]
    fn edge_runtime_is_embedded_and_self_contained() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("js-runtime/edge");
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".js") && !name.ends_with(".test.js") {
                assert!(
                    EDGE_FILES.iter().any(|(n, _)| *n == name),
                    "edge/{name} is not embedded"
                );
            }
        }
        let wasi = crate::wasi_host::FILES
            .iter()
            .filter(|(n, _)| WASI_FILES.contains(n));
        let all = EDGE_FILES
            .iter()
            .map(|(n, s)| (format!("edge/{n}"), *s))
            .chain(wasi.map(|(n, s)| (format!("wasi/{n}"), *s)))
            .chain(
                crate::wasi_host::FILES3
                    .iter()
                    .filter(|(n, _)| WASI3_FILES.contains(n))
                    .map(|(n, s)| (format!("wasi3/{n}"), *s)),
            );
        let paths: Vec<(String, &str)> = all.collect();
        for (path, src) in &paths {
            let dir = path.split('/').next().unwrap();
            assert!(
                !src.contains("from 'node:"),
                "{path} imports a node: module"
            );
            for part in src.split(" from '").skip(1) {
                let dep = part.split('\'').next().unwrap();
                let resolved = match dep.strip_prefix("../") {
                    Some(rest) => rest.to_string(),
                    None => format!("{dir}/{}", dep.trim_start_matches("./")),
                };
                assert!(
                    paths.iter().any(|(p, _)| *p == resolved),
                    "{path} imports {dep}, which is not written"
                );
            }
        }
    }
}
