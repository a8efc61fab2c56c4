//! A temporary directory for the files a CLI command hands to Node (`weft
//! run`, `serve`, `bench`), removed when dropped.

use std::path::PathBuf;

pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    /// `$TMPDIR/<prefix>-<pid>-<nanos>`, created.
    pub fn new(prefix: &str) -> Result<TempDir, weft::Error> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)
            .map_err(|e| weft::Error::io(format!("{}: {e}", path.display())))?;
        Ok(TempDir { path })
    }

    /// Writes `rel` (parent directories created as needed).
    pub fn write(&self, rel: &str, contents: &[u8]) -> Result<(), weft::Error> {
        let p = self.path.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| weft::Error::io(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(&p, contents).map_err(|e| weft::Error::io(format!("{}: {e}", p.display())))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
