//! Options that control transpilation; the CLI and the npm API both fill this struct.

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
        }
    }
}
