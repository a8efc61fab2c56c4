//! The one error type: what went wrong and where (byte offset or WIT path).

use std::fmt;

/// What kind of failure this is; the CLI maps every kind to exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is not a valid component (malformed or fails validation).
    Invalid,
    /// Valid component, but it uses something weft does not support yet.
    Unsupported,
    /// Reading or writing files, or bad options.
    Io,
}

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// Byte offset in the input binary, when known.
    pub offset: Option<usize>,
    /// Where in the component's interface (e.g. `export ns:pkg/iface#f param x`).
    pub path: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(message: impl Into<String>, offset: Option<usize>) -> Error {
        Error {
            kind: ErrorKind::Invalid,
            message: message.into(),
            offset,
            path: None,
        }
    }
    pub fn unsupported(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Unsupported,
            message: message.into(),
            offset: None,
            path: None,
        }
    }
    pub fn io(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Io,
            message: message.into(),
            offset: None,
            path: None,
        }
    }
    /// Attaches a byte offset unless one is already known.
    pub fn at(mut self, offset: usize) -> Error {
        self.offset.get_or_insert(offset);
        self
    }
    /// Attaches the interface path (outermost context is prepended).
    pub fn in_path(mut self, path: impl AsRef<str>) -> Error {
        self.path = Some(match self.path.take() {
            Some(inner) => format!("{} {}", path.as_ref(), inner),
            None => path.as_ref().to_string(),
        });
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == ErrorKind::Unsupported {
            write!(f, "unsupported: ")?;
        }
        // Some parser messages span lines: an error is always one line.
        let mut lines = self
            .message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        if let Some(first) = lines.next() {
            write!(f, "{first}")?;
        }
        for line in lines {
            write!(f, ": {line}")?;
        }
        if let Some(path) = &self.path {
            write!(f, " (in {path})")?;
        }
        if let Some(offset) = self.offset {
            write!(f, " (at byte offset {offset:#x})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<wasmparser::BinaryReaderError> for Error {
    fn from(e: wasmparser::BinaryReaderError) -> Error {
        Error::invalid(e.message().to_string(), Some(e.offset() as usize))
    }
}
