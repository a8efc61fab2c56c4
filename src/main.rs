//! The `weft` command line: a thin layer over `weft::TranspileOptions`.
mod cli;
fn main() {
    weft::panic_guard::install_hook();
    std::process::exit(cli::main());
}
