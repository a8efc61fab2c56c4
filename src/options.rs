//! Options that control transpilation; the CLI and the npm package `weftjs` (through
//! `src/npm_api.rs`, feature `npm`) both fill this struct.

/// How the glue instantiates the component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Instantiation {
    /// Plain ESM: core modules are loaded next to the glue, top-level await.
    #[default]
    Esm,
    /// `export async function instantiate(getCoreModule, imports, instantiateCore?)`.
    Async,
    /// `export function instantiate(getCoreModule, imports, instantiateCore?)`, all sync.
    Sync,
}

/// How synchronous (Preview 2) imports and exports may wait for Promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AsyncMode {
    /// Every sync import must return a value, every sync export returns one.
    #[default]
    Sync,
    /// JSPI (jco's `--async-mode jspi`): the listed imports may return
    /// Promises (the wasm stack suspends), the listed exports return Promises.
    Jspi,
}

/// The WASI functions that may have to wait (a blocking read, a poll): in JSPI
/// mode the host returns Promises from them (js-runtime/wasi/jspi-imports.json).
const WASI_JSPI_IMPORTS: &str = include_str!("../js-runtime/wasi/jspi-imports.json");

/// Exports that run a WASI program and so may reach those imports.
const WASI_JSPI_EXPORTS: &[&str] = &["wasi:cli/run#run", "wasi:http/incoming-handler#handle"];

#[derive(Debug, Clone)]
pub struct TranspileOptions {
    /// Base name for output files (`<name>.js`, `<name>.coreN.wasm`, `<name>.d.ts`).
    pub name: String,
    pub instantiation: Instantiation,
    /// `(pattern, replacement)` import specifier maps; `*` is a wildcard.
    pub map: Vec<(String, String)>,
    /// Emit `.d.ts` files.
    pub typescript: bool,
    /// Core modules smaller than this many bytes are inlined as base64.
    pub base64_cutoff: usize,
    /// Avoid top-level await: export `$init` and assign exports once it resolves.
    pub tla_compat: bool,
    /// Print the glue minified.
    pub minify: bool,
    /// JSPI for synchronous imports/exports (`--async-mode jspi`).
    pub async_mode: AsyncMode,
    /// Imports that may return Promises (`iface#func`, versions ignored; a
    /// world-level function by its name). JSPI mode adds the WASI defaults.
    pub async_imports: Vec<String>,
    /// Exports that return Promises (same syntax). JSPI mode adds `wasi:cli/run#run`.
    pub async_exports: Vec<String>,
    /// `--target`: also write an entry module serving the component's
    /// `wasi:http/incoming-handler` on this platform (implies async
    /// instantiation and JSPI; see `edge.rs`).
    pub target: Option<crate::edge::EdgeTarget>,
    /// Plain ESM: write the WASI host next to the glue and map `wasi:*` to it
    /// when nothing else is mapped (jco: `--no-wasi-shim` turns it off).
    pub wasi_shim: bool,
    /// Also export interfaces under their full names (`'ns:pkg/iface@1.0.0'`),
    /// as jco does (`--no-namespaced-exports` turns it off).
    pub namespaced_exports: bool,
    /// Log every call of an export or import with its lifted arguments and
    /// result (`console.error`), as jco's `--tracing`.
    pub tracing: bool,
    /// An export's `result` error throws `ComponentError` with `.payload`; off
    /// (`--no-component-error-wrapping`), the payload itself is thrown.
    pub component_error_wrapping: bool,
    /// WIT `@unstable(feature = ...)` features to enable (`--feature`).
    pub features: Vec<String>,
    /// Enable every WIT feature (`--all-features`).
    pub all_features: bool,
    /// `.d.ts`: a variant is a union of inline `{ tag, val }` object types
    /// instead of one named interface per case (jco's `--variants-inline-cases`).
    pub variants_inline_cases: bool,
    /// jco's value style of flags and enums, and namespace objects
    /// (`--flags-as-bigint`, `--use-namespace-objects`,
    /// `--enum-values-screaming-snake-case`).
    pub value_style: crate::value_style::ValueStyle,
    /// Calls between components through fused core wasm adapters where covered
    /// (`src/fuse`), else (and on engines without multi-memory) JS adapters.
    pub fused_adapters: bool,
    /// `instantiate()` (async/sync instantiation) falls back to loading the
    /// core modules next to the glue (`import.meta.url`; `node:fs` in Node)
    /// when no `getCoreModule` is given. Off (npm API `noCoreLoader`), the
    /// glue has no such loader: bundler plugins, which always pass one, get
    /// glue without a file lookup for bundlers to chase.
    pub default_core_loader: bool,
}

/// `wasi:io/poll@0.2.3#poll` -> `wasi:io/poll#poll` (versions do not matter).
pub(crate) fn unversioned(name: &str) -> String {
    let (iface, func) = match name.split_once('#') {
        Some((i, f)) => (i, Some(f)),
        None => (name, None),
    };
    let iface = iface.split('@').next().unwrap_or(iface);
    match func {
        Some(f) => format!("{iface}#{f}"),
        None => iface.to_string(),
    }
}

impl TranspileOptions {
    /// Whether import function `name` (`iface#func` or a world function) may
    /// return a Promise.
    pub fn is_async_import(&self, name: &str) -> bool {
        if self.async_mode != AsyncMode::Jspi {
            return false;
        }
        let name = unversioned(name);
        self.async_imports.iter().any(|i| unversioned(i) == name)
            || WASI_JSPI_IMPORTS
                .split('"')
                .skip(1)
                .step_by(2)
                .any(|i| i == name)
    }

    /// Whether export function `name` returns a Promise (JSPI mode).
    pub fn is_async_export(&self, name: &str) -> bool {
        if self.async_mode != AsyncMode::Jspi {
            return false;
        }
        let name = unversioned(name);
        self.async_exports.iter().any(|e| unversioned(e) == name)
            || WASI_JSPI_EXPORTS.contains(&name.as_str())
    }
}

impl Default for TranspileOptions {
    fn default() -> Self {
        TranspileOptions {
            name: "component".to_string(),
            instantiation: Instantiation::Esm,
            map: Vec::new(),
            typescript: true,
            base64_cutoff: 0,
            tla_compat: false,
            minify: false,
            async_mode: AsyncMode::Sync,
            async_imports: Vec::new(),
            async_exports: Vec::new(),
            target: None,
            wasi_shim: true,
            namespaced_exports: true,
            tracing: false,
            component_error_wrapping: true,
            features: Vec::new(),
            all_features: false,
            variants_inline_cases: false,
            value_style: Default::default(),
            fused_adapters: true,
            default_core_loader: true,
        }
    }
}
