//! The `weft` command line: parses arguments into `weft::TranspileOptions`
//! and writes files. All real work happens in the library.

mod bench;
mod binaryen_tools;
mod jco_flags;
mod run;
mod stub;
mod temp;
mod wast;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use weft::{Instantiation, TranspileOptions};

#[derive(Parser)]
#[command(
    name = "weft",
    version,
    about = "Run WebAssembly components in today's JavaScript engines"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum InstantiationArg {
    Async,
    Sync,
}

/// `--target`: the platform an entry module is written for.
#[derive(Clone, Copy, ValueEnum)]
enum TargetArg {
    Workers,
    Deno,
    Bun,
    Node,
}

impl TargetArg {
    fn target(self) -> weft::EdgeTarget {
        match self {
            TargetArg::Workers => weft::EdgeTarget::Workers,
            TargetArg::Deno => weft::EdgeTarget::Deno,
            TargetArg::Bun => weft::EdgeTarget::Bun,
            TargetArg::Node => weft::EdgeTarget::Node,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum AsyncModeArg {
    Sync,
    Jspi,
}

#[derive(Clone, Copy, ValueEnum)]
enum AdaptersArg {
    Fused,
    Js,
}

#[derive(clap::Args)]
struct CommonOpts {
    /// Base name of the output files (default: the input file's stem); a plain
    /// file name, no `/` or `..`.
    #[arg(long)]
    name: Option<String>,
    /// Emit `instantiate(getCoreModule, imports, instantiateCore?)` instead of plain ESM.
    #[arg(short = 'I', long, value_enum, num_args = 0..=1, default_missing_value = "async")]
    instantiation: Option<InstantiationArg>,
    /// Map an import specifier to a module: `pattern=module` (`*` wildcard, `#member`).
    #[arg(short = 'M', long = "map", value_name = "SPEC=MODULE")]
    map: Vec<String>,
    /// `jspi`: listed synchronous imports may return Promises (the wasm stack
    /// suspends through JSPI) and listed exports return Promises (as jco's flag).
    #[arg(long, value_enum)]
    async_mode: Option<AsyncModeArg>,
    /// With `--async-mode jspi`: imports that may return Promises, `iface#func`
    /// (versions ignored) or a world function's name; comma-separated or
    /// repeated; each must name an imported function. WASI's blocking
    /// functions are included by default.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    async_imports: Vec<String>,
    /// With `--async-mode jspi`: exports that return Promises, as for
    /// `--async-imports` (`wasi:cli/run#run` and
    /// `wasi:http/incoming-handler#handle` by default).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    async_exports: Vec<String>,
    #[command(flatten)]
    jco: jco_flags::SharedFlags,
    /// Calls between components: `fused` (default) copies values memory to
    /// memory in generated core wasm where covered and the engine has
    /// multi-memory, else through JS; `js` always goes through JS.
    #[arg(long, value_enum)]
    adapters: Option<AdaptersArg>,
}

#[derive(Subcommand)]
enum Command {
    /// Transpile a component (.wasm or .wat) into JS glue, core modules and .d.ts.
    Transpile {
        /// The component: a binary `.wasm` or component text (`.wat`).
        input: PathBuf,
        /// Output directory (created if missing; nothing is written on error).
        #[arg(short, long)]
        out_dir: PathBuf,
        #[command(flatten)]
        common: CommonOpts,
        /// Do not write TypeScript declarations.
        #[arg(long)]
        no_typescript: bool,
        /// Inline core modules smaller than this many bytes as base64.
        #[arg(short = 'b', long, default_value_t = 0)]
        base64_cutoff: usize,
        /// Avoid top-level await: export `$init`, a promise that resolves when ready.
        #[arg(long)]
        tla_compat: bool,
        /// Minify the JS glue (short names; exports keep theirs).
        #[arg(short = 'm', long)]
        minify: bool,
        /// Print nothing on success.
        #[arg(short, long)]
        quiet: bool,
        /// Also write an entry module serving the component's wasi:http/incoming-handler on
        /// this platform (implies `--instantiation async --async-mode jspi`).
        #[arg(long, value_enum)]
        target: Option<TargetArg>,
        #[command(flatten)]
        jco: jco_flags::TranspileFlags,
    },
    /// Write only the TypeScript declarations for a component or a WIT directory.
    Types {
        /// A component (`.wasm`, `.wat`), a `.wit` file or a directory of WIT files.
        input: PathBuf,
        /// Output directory for the `.d.ts` files.
        #[arg(short, long)]
        out_dir: PathBuf,
        /// The world to use when the input is WIT.
        #[arg(short = 'n', long, visible_alias = "world-name")]
        world: Option<String>,
        #[command(flatten)]
        common: CommonOpts,
        /// Print nothing on success (weft types prints nothing anyway).
        #[arg(short, long)]
        quiet: bool,
        /// No-op (jco accepts it for `types`).
        #[arg(long, value_name = "PATH")]
        wasm_opt_bin: Option<PathBuf>,
        /// Types for `transpile --tla-compat`'s glue: declare its `$init` promise.
        #[arg(long)]
        tla_compat: bool,
    },
    /// Write the `.d.ts` a component author needs to implement a world in JS
    /// (jco's `guest-types`): one `declare module '<WIT id>'` per file.
    GuestTypes {
        /// A `.wit` file, a directory of WIT files, or a component (`.wasm`, `.wat`).
        input: PathBuf,
        /// Output directory for the `.d.ts` files.
        #[arg(short, long)]
        out_dir: PathBuf,
        /// The world to use when the input is WIT.
        #[arg(short = 'n', long, visible_alias = "world-name")]
        world: Option<String>,
        /// Base name of the world's file (default: the input's stem).
        #[arg(long)]
        name: Option<String>,
        /// Print nothing on success (weft prints nothing anyway).
        #[arg(short, long)]
        quiet: bool,
        /// `jspi`: the exports listed in `--async-exports` return Promises.
        #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "sync")]
        async_mode: Option<AsyncModeArg>,
        /// With `--async-mode jspi`: exports that return Promises (`iface#func`).
        #[arg(long, value_delimiter = ',', value_name = "NAMES")]
        async_exports: Vec<String>,
        #[command(flatten)]
        jco: jco_flags::SharedFlags,
    },
    /// Print a component's WIT.
    Wit {
        /// The component: a binary `.wasm` or component text (`.wat`).
        input: PathBuf,
    },
    /// Run component-model reference tests (.wast files or directories) through weft in Node.
    Wast(wast::WastArgs),
    /// Run a wasi:cli/command component in Node with the WASI 0.2 host.
    Run(run::RunArgs),
    /// Measure weft's glue against a native-floor call of each exported function.
    Bench(bench::BenchArgs),
    /// Serve a wasi:http/proxy component over HTTP from Node.
    Serve(run::ServeArgs),
}

pub fn main() -> i32 {
    let cli = Cli::parse();
    let cli = match cli.command {
        Command::Wast(args) => return wast::main(args),
        Command::Run(args) => return exit_code(run::main(args, read_component)),
        Command::Bench(args) => return exit_code(bench::main(args, read_component)),
        Command::Serve(args) => return exit_code(run::serve(args, read_component)),
        command => Cli { command },
    };
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn run(cli: Cli) -> Result<(), weft::Error> {
    match cli.command {
        Command::Transpile {
            input,
            out_dir,
            common,
            no_typescript,
            base64_cutoff,
            tla_compat,
            minify,
            quiet,
            target,
            jco,
        } => {
            let mut opts = options(&input, &common)?;
            jco.apply(&mut opts)?;
            let bytes = match jco.stub {
                true => stub::stub_component(&input, &opts)?,
                false => read_component(&input)?,
            };
            opts.typescript = !no_typescript;
            // --js: every core module is a file, turned into JS below.
            opts.base64_cutoff = if jco.js { 0 } else { base64_cutoff };
            opts.tla_compat = tla_compat;
            opts.minify = minify;
            opts.target = target.map(TargetArg::target);
            if jco.js {
                weft::binaryen::check_js(&opts)?;
            }
            let mut out = weft::transpile(&bytes, &opts).map_err(|e| with_file(e, &input))?;
            jco.post_process(&mut out.files, &format!("{}.js", opts.name))?;
            write_files(&out_dir, &out.files)?;
            if !quiet {
                for w in &out.warnings {
                    eprintln!("warning: {w}");
                }
                for f in &out.files {
                    println!(
                        "  {} ({} bytes)",
                        out_dir.join(&f.path).display(),
                        f.contents.len()
                    );
                }
            }
            Ok(())
        }
        Command::Types {
            input,
            out_dir,
            world,
            common,
            quiet: _,
            wasm_opt_bin: _,
            tla_compat,
        } => {
            let mut opts = options(&input, &common)?;
            opts.tla_compat = tla_compat;
            write_files(&out_dir, &types_files(&input, world.as_deref(), &opts)?)
        }
        Command::GuestTypes {
            input,
            out_dir,
            world,
            name,
            quiet: _,
            async_mode,
            async_exports,
            jco,
        } => {
            let common = CommonOpts {
                name,
                instantiation: None,
                map: Vec::new(),
                async_mode,
                async_imports: Vec::new(),
                async_exports,
                jco,
                adapters: None,
            };
            let opts = options(&input, &common)?;
            let host = types_files(&input, world.as_deref(), &opts)?;
            write_files(&out_dir, &weft::wit::guest_dts(host)?)
        }
        Command::Wast(_) | Command::Run(_) | Command::Serve(_) | Command::Bench(_) => {
            unreachable!("handled in main")
        }
        Command::Wit { input } => {
            let bytes = read_component(&input)?;
            print!(
                "{}",
                weft::wit::component_wit(&bytes).map_err(|e| with_file(e, &input))?
            );
            Ok(())
        }
    }
}

/// The `.d.ts` files of a component or of a WIT file or directory.
fn types_files(
    input: &Path,
    world: Option<&str>,
    opts: &TranspileOptions,
) -> Result<Vec<weft::OutputFile>, weft::Error> {
    if input.is_dir() || input.extension().is_some_and(|e| e == "wit") {
        weft::wit::dts_from_wit_path(input, world, opts)
    } else {
        let bytes = read_component(input)?;
        weft::wit::component_dts_for(&bytes, opts).map_err(|e| with_file(e, input))
    }
}

fn exit_code(r: Result<i32, weft::Error>) -> i32 {
    r.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        1
    })
}

/// Puts the file's name in front of an error: `app.wasm: ...`, or for a
/// place in component text `app.wat:2:14: ...` (the npm bin does the same).
fn with_file(e: weft::Error, path: &Path) -> weft::Error {
    let at_line = e
        .message
        .split_once(':')
        .is_some_and(|(l, _)| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()));
    let sep = if at_line { ":" } else { ": " };
    weft::Error {
        message: format!("{}{sep}{}", path.display(), e.message),
        ..e
    }
}

fn options(input: &Path, common: &CommonOpts) -> Result<TranspileOptions, weft::Error> {
    let name = match &common.name {
        Some(n) => n.clone(),
        None => input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "component".into()),
    };
    let map = common
        .map
        .iter()
        .map(|m| {
            m.split_once('=')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| weft::Error::io(format!("--map `{m}`: expected SPEC=MODULE")))
        })
        .collect::<Result<_, _>>()?;
    weft::option_checks::check_name(&name)?;
    let mut opts = TranspileOptions {
        name,
        instantiation: match common.instantiation {
            None => Instantiation::Esm,
            Some(InstantiationArg::Async) => Instantiation::Async,
            Some(InstantiationArg::Sync) => Instantiation::Sync,
        },
        map,
        async_mode: match common.async_mode {
            None | Some(AsyncModeArg::Sync) => weft::AsyncMode::Sync,
            Some(AsyncModeArg::Jspi) => weft::AsyncMode::Jspi,
        },
        async_imports: common.async_imports.clone(),
        async_exports: common.async_exports.clone(),
        fused_adapters: !matches!(common.adapters, Some(AdaptersArg::Js)),
        ..TranspileOptions::default()
    };
    common.jco.apply(&mut opts)?;
    weft::option_checks::check_async_mode(&opts)?;
    Ok(opts)
}

/// Reads a component as binary, or as component text when it is not binary.
fn read_component(path: &Path) -> Result<Vec<u8>, weft::Error> {
    let bytes =
        std::fs::read(path).map_err(|e| weft::Error::io(format!("{}: {e}", path.display())))?;
    if bytes.starts_with(b"\0asm") {
        return Ok(bytes);
    }
    if path.extension().is_some_and(|e| e == "wasm") || std::str::from_utf8(&bytes).is_err() {
        return Err(weft::Error::invalid(
            format!(
                "{}: not a WebAssembly binary (no `\\0asm` magic number) and not component text",
                path.display()
            ),
            Some(0),
        ));
    }
    weft::component_text::parse(&bytes).map_err(|e| with_file(e, path))
}

/// Writes all files, or none: on any failure, files written so far are removed.
fn write_files(dir: &Path, files: &[weft::OutputFile]) -> Result<(), weft::Error> {
    let created_dir = !dir.exists();
    let mut written = Vec::new();
    let result = (|| {
        for f in files {
            let path = dir.join(&f.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &f.contents)?;
            written.push(path);
        }
        Ok::<(), std::io::Error>(())
    })();
    result.map_err(|e| {
        for p in &written {
            let _ = std::fs::remove_file(p);
        }
        if created_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        weft::Error::io(format!("writing {}: {e}", dir.display()))
    })
}
