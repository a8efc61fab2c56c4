//! Dependencies that panic on input they were never meant to see: wit-parser's
//! decoder has `unreachable!()`s that a mutated (yet valid) component reaches
//! (`tests/no_panic.rs` found one). [`guard`] runs such a call and turns a panic
//! into `None`, keeping the panic hook quiet meanwhile, so the caller can return
//! one clear error instead. [`install_hook`] (the CLI's) prints any other panic,
//! a weft bug, as one `error:` line. Where panics abort (wasm32), a guarded call
//! is just a call.

use std::cell::Cell;

thread_local! {
    /// A guarded call is running on this thread: its panic is expected.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`; `None` if it panicked.
pub fn guard<T>(f: impl FnOnce() -> T) -> Option<T> {
    #[cfg(panic = "unwind")]
    {
        let outer = GUARDED.replace(true);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        GUARDED.set(outer);
        r.ok()
    }
    #[cfg(not(panic = "unwind"))]
    {
        Some(f())
    }
}

/// Whether a [`guard`]ed call is running on this thread (its panic is expected:
/// a panic hook should stay quiet).
pub fn guarded() -> bool {
    GUARDED.get()
}

/// Makes a panic outside [`guard`] print one `error:` line (no backtrace) and
/// a guarded one print nothing.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        if guarded() {
            return;
        }
        let msg = panic_message(info);
        eprintln!("error: internal error: {msg} (a bug in weft; please report it)");
    }));
}

/// A panic's message and where it happened, on one line.
pub fn panic_message(info: &std::panic::PanicHookInfo) -> String {
    let msg = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_string());
    let at = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!("{msg}{at}")
}
