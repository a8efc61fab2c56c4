//! Running a child process with a time limit while collecting its output.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// What a finished (or killed) child left behind.
pub struct Finished {
    /// `None` when the child was killed because it ran out of time.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// A one-line account of why the child did not succeed.
    pub fn failure(&self, what: &str, limit: Duration) -> String {
        let stderr = self.stderr.trim();
        let detail = if stderr.is_empty() {
            String::new()
        } else {
            format!(": {}", gist(stderr))
        };
        match self.status {
            None => format!("{what} timed out after {}s", limit.as_secs()),
            Some(s) => format!("{what} failed ({s}){detail}"),
        }
    }
}

/// Lines of error output that carry no message: stack frames, source
/// excerpts, Node's version banner and Rust's backtrace hints.
fn is_noise(line: &str) -> bool {
    line.is_empty()
        || line.starts_with("at ")
        || line.starts_with("-->")
        || line.starts_with('|')
        || line
            .split_once(" |")
            .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
        || line.starts_with("Node.js v")
        || line.starts_with("stack backtrace:")
        || line.starts_with("note: ")
        || line == "Caused by:"
}

/// The gist of a failed process's stderr on one line: a Rust panic's message
/// (jco's bindgen is Rust compiled to wasm), else the first JS error line and
/// its causes, else its last lines. Control characters are replaced.
pub fn gist(text: &str) -> String {
    let clean = |l: &str| -> String {
        l.trim()
            .chars()
            .map(|c| {
                if c.is_control() {
                    char::REPLACEMENT_CHARACTER
                } else {
                    c
                }
            })
            .collect()
    };
    let lines: Vec<String> = text.lines().map(clean).collect();
    if let Some(i) = lines.iter().position(|l| l.contains("panicked at")) {
        if let Some(msg) = lines.get(i + 1) {
            return format!("panicked: {msg}");
        }
    }
    let is_error = |l: &String| {
        let l = l
            .split_once(") ")
            .filter(|_| l.starts_with('('))
            .map_or(l.as_str(), |x| x.1);
        l.split_once(": ")
            .is_some_and(|(name, _)| name.ends_with("Error") && !name.contains(' '))
    };
    let useful: Vec<&String> = lines.iter().filter(|l| !is_noise(l)).collect();
    let picked: Vec<&str> = match useful.iter().position(|l| is_error(l)) {
        Some(i) => useful[i..].iter().take(4).map(|l| l.as_str()).collect(),
        None => useful[useful.len().saturating_sub(3)..]
            .iter()
            .map(|l| l.as_str())
            .collect(),
    };
    let joined = picked.join(" | ");
    match joined.strip_prefix('(').and_then(|r| r.split_once(") ")) {
        Some((_, rest)) => rest.to_string(),
        None => joined,
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Runs `cmd` to completion, killing it once `limit` has passed.
pub fn run(mut cmd: Command, limit: Duration) -> std::io::Result<Finished> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child: Child = cmd.spawn()?;
    let out = child.stdout.take().map(drain);
    let err = child.stderr.take().map(drain);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if start.elapsed() >= limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(10));
    };
    let join = |h: Option<thread::JoinHandle<String>>| {
        h.map(|h| h.join().unwrap_or_default()).unwrap_or_default()
    };
    Ok(Finished {
        status,
        stdout: join(out),
        stderr: join(err),
    })
}

#[cfg(test)]
mod tests {
    use super::gist;

    #[test]
    fn gist_of_jco_errors() {
        let panic = "\nthread '<unnamed>' (1) panicked at src/x.rs:1:2:\nnot implemented: latin\n\
                     stack backtrace:\n(jco transpileCmd) RuntimeError: unreachable\n    at f (x.js:1)\n";
        assert_eq!(gist(panic), "panicked: not implemented: latin");
        let chain = "(jco transpileCmd) ComponentError: failed to translate\n\nCaused by:\n    \
                     export `f` is bad\n    at fn (x.js:1:2)\n";
        assert_eq!(
            gist(chain),
            "ComponentError: failed to translate | export `f` is bad"
        );
        let excerpt = "(jco transpileCmd) ComponentError: expected a field\n     --> <anon>:1:1\n      |\n    \
                       1 | \u{1}as\n      | ^\n    at fn (x.js:1:2)\n";
        assert_eq!(gist(excerpt), "ComponentError: expected a field");
        let node = "file:///d.mjs:3\n  x(\n  ^\n\nTypeError: x is not a function\n    at y\n\nNode.js v20\n";
        assert_eq!(gist(node), "TypeError: x is not a function");
        assert_eq!(gist("one\ntwo\n"), "one | two");
    }
}
