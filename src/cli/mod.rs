//! Command-line parsing and subcommands.
pub fn main() -> i32 {
    0
}
