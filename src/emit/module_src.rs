//! How the glue gets one core module: compiled from inline base64 under
//! `--base64-cutoff`, else loaded by `getCoreModule(<file>)` from a file
//! written next to the glue (jco's names). Used for the component's own
//! modules (`body.rs`) and the fused adapters' (`fused.rs`).

use super::bindings::Names;
use super::cx::EmitCx;
use super::shell::base64;
use crate::names::quote as js_str;
use crate::OutputFile;

/// How the glue gets core module number `index` (`wasm`): compiled from
/// inline base64 under `--base64-cutoff`, else `getCoreModule(<file>)` and
/// the file to write.
pub fn module_source(
    cx: &EmitCx,
    names: &mut Names,
    wasm: &[u8],
    index: usize,
) -> (String, Option<OutputFile>) {
    if wasm.len() < cx.opts.base64_cutoff {
        names.intrinsics.use_("base64");
        let bytes = format!("base64Bytes('{}')", base64(wasm));
        let src = match cx.async_instantiation {
            true => format!("WebAssembly.compile({bytes})"),
            false => format!("new WebAssembly.Module({bytes})"),
        };
        return (src, None);
    }
    let path = core_file_name(&cx.opts.name, index);
    let src = format!("getCoreModule({})", js_str(&path));
    let file = OutputFile {
        path,
        contents: wasm.to_vec(),
    };
    (src, Some(file))
}

/// jco's core module file names: `<name>.core.wasm`, `<name>.core2.wasm`,
/// `<name>.core3.wasm`, … (numbered by where the module appears in the input).
fn core_file_name(name: &str, index: usize) -> String {
    match index {
        0 => format!("{name}.core.wasm"),
        i => format!("{name}.core{}.wasm", i + 1),
    }
}
