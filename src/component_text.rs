//! Component text (`.wat`) input, shared by the CLI and the npm package: a
//! file that is not a wasm binary is read as text and assembled here.

use crate::{Error, Result};

/// Assembles component (or core module) text into a binary; a syntax error
/// becomes one line: the message and where (`<anon>:line:col`).
pub fn parse(text: &[u8]) -> Result<Vec<u8>> {
    wat::parse_bytes(text).map(|b| b.into_owned()).map_err(|e| {
        // wat's errors span several lines (message, location, snippet): keep one.
        let text = e.to_string();
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let message = lines.next().unwrap_or_default();
        let location = lines
            .find_map(|l| l.strip_prefix("--> "))
            .unwrap_or_default();
        Error::invalid(format!("{message} (at {location})"), None)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_becomes_a_binary() {
        let bytes = super::parse(b"(component)").unwrap();
        assert!(bytes.starts_with(b"\0asm"));
    }

    #[test]
    fn a_syntax_error_is_one_line_with_its_place() {
        let e = super::parse(b"(component\n  (bogus))").unwrap_err();
        assert!(!e.message.contains('\n'), "{}", e.message);
        assert!(e.message.contains(":2:"), "{}", e.message);
    }
}
