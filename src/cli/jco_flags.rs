//! jco's flags that `weft transpile` / `weft types` accept besides their own
//! (so a jco command line works after changing one word): those weft
//! implements, those that ask for what weft's glue already does (accepted,
//! documented no-ops), and `-O` (wasm-opt on the core modules). Each field
//! maps to a camelCase option of the npm API (`noWasiShim`, `tracing`, ...).

use std::path::PathBuf;

use clap::ValueEnum;
use weft::TranspileOptions;

use super::binaryen_tools::ProcessTools;

/// jco's `--import-bindings` modes (weft has one binding style: a no-op).
#[derive(Clone, Copy, ValueEnum)]
pub enum ImportBindings {
    Js,
    Hybrid,
    Optimized,
    DirectOptimized,
}

/// Flags of jco's `transpile`, `types` and `guest-types` alike.
#[derive(clap::Args, Default)]
pub struct SharedFlags {
    /// Enable WIT feature FEATURE (`@unstable(feature = ...)`); repeatable.
    #[arg(long = "feature", value_name = "FEATURE")]
    pub features: Vec<String>,
    /// Enable every WIT feature.
    #[arg(long)]
    pub all_features: bool,
    /// No-op: with `--async-mode jspi`, WASI's blocking imports are always async.
    #[arg(long)]
    pub async_wasi_imports: bool,
    /// No-op: with `--async-mode jspi`, `wasi:cli/run#run` and
    /// `wasi:http/incoming-handler#handle` are always async.
    #[arg(long)]
    pub async_wasi_exports: bool,
    /// No-op: weft's glue always checks every value's type and range.
    #[arg(long)]
    pub strict: bool,
    /// A flags value is one `bigint` (bit i: flag i), with a namespace
    /// object of the bits (`Perms.Read`) exported beside the type.
    #[arg(long)]
    pub flags_as_bigint: bool,
    /// `.d.ts`: a variant is a union of inline `{ tag, val }` types, not named case interfaces.
    #[arg(long)]
    pub variants_inline_cases: bool,
    /// Export a namespace object per flags, enum and variant type
    /// (`Color.DarkBlue`, `Shape.Circle(1.5)`); implies --flags-as-bigint.
    #[arg(long)]
    pub use_namespace_objects: bool,
    /// Enum values in SCREAMING_SNAKE_CASE (`'DARK_BLUE'` for `dark-blue`).
    #[arg(long)]
    pub enum_values_screaming_snake_case: bool,
}

/// Flags only `transpile` has.
#[derive(clap::Args, Default)]
pub struct TranspileFlags {
    /// Run `wasm-opt` on every core module (arguments after `--` replace the
    /// default `-O`). Found via --wasm-opt-bin, $WEFT_WASM_OPT,
    /// node_modules/.bin (npm package `binaryen`) or PATH.
    #[arg(short = 'O', long)]
    pub optimize: bool,
    /// The wasm-opt binary for -O.
    #[arg(long, value_name = "PATH")]
    pub wasm_opt_bin: Option<PathBuf>,
    /// Arguments for wasm-opt (after `--`).
    #[arg(last = true, value_name = "WASM_OPT_ARGS")]
    pub wasm_opt_args: Vec<String>,
    /// Log every export and import call with its arguments and result (console.error).
    #[arg(long)]
    pub tracing: bool,
    /// Do not also export interfaces under their full names (`'ns:pkg/iface'`).
    #[arg(long)]
    pub no_namespaced_exports: bool,
    /// Throw an export's `result` error payload itself, not a `ComponentError`.
    #[arg(long)]
    pub no_component_error_wrapping: bool,
    /// Do not write the WASI host next to plain-ESM glue: `wasi:*` imports stay bare specifiers.
    #[arg(long)]
    pub no_wasi_shim: bool,
    /// No-op: weft's glue always validates lifted values, at a cost its benchmarks show is small.
    #[arg(long)]
    pub valid_lifting_optimization: bool,
    /// No-op: weft generates one kind of import binding, already direct.
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "js", value_name = "MODE")]
    pub import_bindings: Option<ImportBindings>,
    /// No-op: the glue reads core modules with `fs` in Node and `fetch` elsewhere.
    #[arg(long)]
    pub no_nodejs_compat: bool,
    /// No-op: weft's glue works with every memory layout.
    #[arg(long)]
    pub multi_memory: bool,
    /// No-op: the glue uses no exception references.
    #[arg(long)]
    pub bindgen_enable_wasm_exnref: bool,
    /// INPUT is WIT (a file or directory): transpile its world with a
    /// placeholder core module whose exports trap (glue and .d.ts to build on).
    #[arg(long)]
    pub stub: bool,
    /// Core modules as JS (binaryen's wasm2js, found like wasm-opt, or
    /// $WEFT_WASM2JS) for engines without WebAssembly; plain ESM glue only.
    #[arg(long)]
    pub js: bool,
}

impl SharedFlags {
    /// Fills `opts`.
    pub fn apply(&self, opts: &mut TranspileOptions) -> Result<(), weft::Error> {
        opts.features = self.features.clone();
        opts.all_features = self.all_features;
        opts.variants_inline_cases = self.variants_inline_cases;
        opts.value_style = weft::ValueStyle {
            flags_as_bigint: self.flags_as_bigint,
            namespace_objects: self.use_namespace_objects,
            screaming_enums: self.enum_values_screaming_snake_case,
        };
        Ok(())
    }
}

impl TranspileFlags {
    /// Fills `opts`; a flag weft does not implement yet is an error naming it.
    pub fn apply(&self, opts: &mut TranspileOptions) -> Result<(), weft::Error> {
        opts.tracing = self.tracing;
        opts.namespaced_exports = !self.no_namespaced_exports;
        opts.component_error_wrapping = !self.no_component_error_wrapping;
        opts.wasi_shim = !self.no_wasi_shim;
        Ok(())
    }

    /// Runs `-O` and `--js` on the transpiler's files (`glue` names the glue).
    pub fn post_process(
        &self,
        files: &mut [weft::OutputFile],
        glue: &str,
    ) -> Result<(), weft::Error> {
        if !self.optimize && !self.js {
            return Ok(());
        }
        let args: Vec<String> = match self.wasm_opt_args.is_empty() {
            true => vec!["-O".into()],
            false => self.wasm_opt_args.clone(),
        };
        // Binaryen's default features (`-all` would allow encodings engines
        // do not read yet); `-- --enable-...` adds more.
        let mut tools =
            ProcessTools::find(self.optimize, self.wasm_opt_bin.as_deref(), args, self.js)?;
        if self.optimize {
            weft::binaryen::optimize(files, &mut tools)?;
        }
        if self.js {
            weft::binaryen::to_js(files, glue, &mut tools)?;
        }
        Ok(())
    }
}
