//! Component text (`.wat`) input, shared by the CLI and the npm package: a
//! file that is not a wasm binary is read as text and assembled here.

use crate::{Error, Result};

/// Assembles component (or core module) text into a binary; a syntax error
/// becomes one line: `LINE:COL: message` (the caller puts the file's name in
/// front, with no space: `app.wat:2:14: expected ...`).
pub fn parse(text: &[u8]) -> Result<Vec<u8>> {
    wat::parse_bytes(text).map(|b| b.into_owned()).map_err(|e| {
        // wat's errors span several lines (message, location, snippet): keep one.
        let text = e.to_string();
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let message = lines.next().unwrap_or_default();
        // `--> <anon>:LINE:COL`: wat does not know the file's name.
        let location = lines
            .find_map(|l| l.strip_prefix("--> "))
            .and_then(|l| {
                l.rsplit_once(':')
                    .and_then(|(a, col)| Some((a.rsplit_once(':')?.1, col)))
            })
            .map(|(line, col)| format!("{line}:{col}: "))
            .unwrap_or_default();
        Error::invalid(format!("{location}{message}"), None)
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
        assert!(e.message.starts_with("2:"), "{}", e.message);
    }
}
