//! The `weft` command line: a thin layer over `weft::TranspileOptions`.
mod cli;
fn main() {
    std::process::exit(cli::main());
}
