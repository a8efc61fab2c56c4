//! The wasm-bindgen surface of the npm package `weftjs` (feature `npm`,
//! built by `npm/build.sh`). It only converts: `npm/src/core.js` validates the
//! user's options into the plain object [`JsOptions`] reads, calls these
//! functions and turns [`Output`] and [`Failure`] into plain JS values.
//! Every result comes from the same library functions the native CLI calls,
//! so the files are byte-identical.

use wasm_bindgen::prelude::*;
use wit_parser::{Resolve, SourceMap, UnresolvedPackageGroup};

use crate::error::ErrorKind;
use crate::{AsyncMode, Error, Instantiation, OutputFile, TranspileOptions, Transpiled};

#[wasm_bindgen]
extern "C" {
    /// Options as `npm/src/core.js` (`normalize`) gives them: every field present.
    pub type JsOptions;
    #[wasm_bindgen(method, getter)]
    fn name(this: &JsOptions) -> String;
    #[wasm_bindgen(method, getter)]
    fn instantiation(this: &JsOptions) -> String;
    /// `[pattern, module, pattern, module, ...]`.
    #[wasm_bindgen(method, getter)]
    fn map(this: &JsOptions) -> Vec<String>;
    #[wasm_bindgen(method, getter)]
    fn typescript(this: &JsOptions) -> bool;
    #[wasm_bindgen(method, getter, js_name = base64Cutoff)]
    fn base64_cutoff(this: &JsOptions) -> f64;
    #[wasm_bindgen(method, getter, js_name = tlaCompat)]
    fn tla_compat(this: &JsOptions) -> bool;
    #[wasm_bindgen(method, getter)]
    fn minify(this: &JsOptions) -> bool;
    #[wasm_bindgen(method, getter, js_name = noCoreLoader)]
    fn no_core_loader(this: &JsOptions) -> bool;
    #[wasm_bindgen(method, getter, js_name = asyncMode)]
    fn async_mode(this: &JsOptions) -> String;
    #[wasm_bindgen(method, getter, js_name = asyncImports)]
    fn async_imports(this: &JsOptions) -> Vec<String>;
    #[wasm_bindgen(method, getter, js_name = asyncExports)]
    fn async_exports(this: &JsOptions) -> Vec<String>;
    /// `[flagsAsBigint, useNamespaceObjects, enumValuesScreamingSnakeCase]`.
    #[wasm_bindgen(method, getter, js_name = valueStyle)]
    fn value_style(this: &JsOptions) -> Vec<u8>;
}

/// A failed call: the one-line message, the byte offset when known, and the
/// kind (`invalid`, `unsupported` or `io`).
#[wasm_bindgen]
pub struct Failure {
    message: String,
    offset: Option<u32>,
    kind: &'static str,
}

#[wasm_bindgen]
impl Failure {
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.message.clone()
    }
    #[wasm_bindgen(getter)]
    pub fn offset(&self) -> Option<u32> {
        self.offset
    }
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.kind.to_string()
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure {
            offset: e.offset.map(|o| o as u32),
            message: e.to_string(),
            kind: match e.kind {
                ErrorKind::Invalid => "invalid",
                ErrorKind::Unsupported => "unsupported",
                ErrorKind::Io => "io",
            },
        }
    }
}

/// What a call produced: files plus the transpiler's summary.
#[wasm_bindgen]
pub struct Output(Transpiled);

#[wasm_bindgen]
impl Output {
    #[wasm_bindgen(js_name = fileCount)]
    pub fn file_count(&self) -> usize {
        self.0.files.len()
    }
    #[wasm_bindgen(js_name = filePath)]
    pub fn file_path(&self, i: usize) -> String {
        self.0.files[i].path.clone()
    }
    #[wasm_bindgen(js_name = fileContents)]
    pub fn file_contents(&self, i: usize) -> Vec<u8> {
        self.0.files[i].contents.clone()
    }
    pub fn imports(&self) -> Vec<String> {
        self.0.imports.clone()
    }
    pub fn exports(&self) -> Vec<String> {
        self.0.exports.clone()
    }
    pub fn warnings(&self) -> Vec<String> {
        self.0.warnings.clone()
    }
}

fn files_only(files: Vec<OutputFile>) -> Output {
    Output(Transpiled {
        files,
        ..Transpiled::default()
    })
}

fn options(js: &JsOptions) -> Result<TranspileOptions, Error> {
    let pairs = js.map();
    let map = pairs
        .chunks(2)
        .map(|p| (p[0].clone(), p.get(1).cloned().unwrap_or_default()))
        .collect();
    Ok(TranspileOptions {
        name: js.name(),
        instantiation: match js.instantiation().as_str() {
            "esm" => Instantiation::Esm,
            "async" => Instantiation::Async,
            "sync" => Instantiation::Sync,
            other => return Err(Error::io(format!("unknown instantiation `{other}`"))),
        },
        map,
        typescript: js.typescript(),
        base64_cutoff: js.base64_cutoff() as usize,
        tla_compat: js.tla_compat(),
        minify: js.minify(),
        default_core_loader: !js.no_core_loader(),
        async_mode: match js.async_mode().as_str() {
            "sync" => AsyncMode::Sync,
            "jspi" => AsyncMode::Jspi,
            other => return Err(Error::io(format!("unknown async mode `{other}`"))),
        },
        async_imports: js.async_imports(),
        async_exports: js.async_exports(),
        value_style: value_style(&js.value_style()),
        // jco's value-style and output flags are CLI-only for now
        ..TranspileOptions::default()
    })
}

/// jco's value-style options from `JsOptions::value_style`'s three booleans.
fn value_style(on: &[u8]) -> crate::ValueStyle {
    let on = |i: usize| on.get(i).is_some_and(|b| *b != 0);
    crate::ValueStyle {
        flags_as_bigint: on(0),
        namespace_objects: on(1),
        screaming_enums: on(2),
    }
}

/// A component binary, or component text assembled into one.
fn component(input: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, Error> {
    if input.starts_with(b"\0asm") {
        return Ok(input.into());
    }
    if std::str::from_utf8(input).is_err() {
        return Err(Error::invalid(
            "not a WebAssembly binary (no `\\0asm` magic number) and not component text",
            Some(0),
        ));
    }
    crate::component_text::parse(input).map(Into::into)
}

/// `weft transpile`: glue, core modules and (unless turned off) `.d.ts`.
#[wasm_bindgen]
pub fn transpile(input: &[u8], opts: &JsOptions) -> Result<Output, Failure> {
    let opts = options(opts)?;
    Ok(Output(crate::transpile(&component(input)?, &opts)?))
}

/// `weft types <component>`: only the `.d.ts` files.
#[wasm_bindgen(js_name = typesOfComponent)]
pub fn types_of_component(input: &[u8], opts: &JsOptions) -> Result<Output, Failure> {
    let opts = options(opts)?;
    let files = crate::wit::component_dts_for(&component(input)?, &opts)?;
    Ok(files_only(files))
}

/// `weft types <wit>`: `.d.ts` files from WIT sources. `groups[i]` says which
/// package `paths[i]`/`texts[i]` belongs to: `""` the main one, otherwise the
/// name of its entry under `deps/`. Paths only name the files in messages.
#[wasm_bindgen(js_name = typesOfWit)]
pub fn types_of_wit(
    paths: Vec<String>,
    texts: Vec<String>,
    groups: Vec<String>,
    world: Option<String>,
    opts: &JsOptions,
) -> Result<Output, Failure> {
    let opts = options(opts)?;
    let mut resolve = Resolve::default();
    let main = parse_group(&paths, &texts, &groups, "")?;
    let mut dep_names: Vec<&String> = groups.iter().filter(|g| !g.is_empty()).collect();
    dep_names.sort();
    dep_names.dedup();
    let deps = dep_names
        .into_iter()
        .map(|g| parse_group(&paths, &texts, &groups, g))
        .collect::<Result<_, _>>()?;
    let pkg = resolve
        .push_groups(main, deps)
        .map_err(|e| wit_error(&e.render(&resolve.source_map)))?;
    let world = resolve
        .select_world(&[pkg], world.as_deref())
        .map_err(|e| Error::invalid(format!("{e:#}"), None))?;
    let files = crate::wit::world_dts(
        &resolve,
        world,
        &opts.name,
        &crate::wit::DtsOptions::from(&opts),
    )?;
    Ok(files_only(files))
}

fn parse_group(
    paths: &[String],
    texts: &[String],
    groups: &[String],
    group: &str,
) -> Result<UnresolvedPackageGroup, Error> {
    let mut map = SourceMap::default();
    for ((path, text), g) in paths.iter().zip(texts).zip(groups) {
        if g == group {
            map.push_str(path, text.as_str());
        }
    }
    map.parse().map_err(|(map, e)| wit_error(&e.render(&map)))
}

/// A rendered WIT error (message, `--> file:line:col`, snippet) as one line.
fn wit_error(rendered: &str) -> Error {
    let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
    let message = lines.next().unwrap_or_default().to_string();
    match lines.find_map(|l| l.strip_prefix("--> ")) {
        Some(at) => Error::invalid(format!("{message} (at {at})"), None),
        None => Error::invalid(message, None),
    }
}

/// `weft wit`: the component's world as WIT text.
#[wasm_bindgen]
pub fn wit(input: &[u8]) -> Result<String, Failure> {
    Ok(crate::wit::component_wit(&component(input)?)?)
}
