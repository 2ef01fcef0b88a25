//! Crash points for the fault-injection tests: in debug builds, `DOCKET_FAULT=<point>`
//! aborts the process there, as a kill or a power cut would; `DOCKET_FAULT=disk-full:N`
//! fails the write of the Nth new file as a full disk would, and `DOCKET_FAULT=ctrl-c:N`
//! delivers SIGINT after the Nth. At the commit point, `append-enospc` lets half of the
//! audit entries' text into the log and then fails as a full disk would, `append-ctrl-c`
//! delivers SIGINT once the text is written, and `append-undo-fails` makes the first
//! fail and cutting the log back fail too. `export-staged` aborts once an export's bytes
//! are in their temporary file, before they take the target's place. Release builds have
//! none of them: these functions compile to nothing.

use std::fs::File;
use std::io::Write;

/// Abort here when the tests armed this point.
pub fn point(name: &str) {
    if armed(name) {
        std::process::abort();
    }
}

#[cfg(debug_assertions)]
pub fn armed(name: &str) -> bool {
    std::env::var_os("DOCKET_FAULT").is_some_and(|p| p == name)
}

#[cfg(not(debug_assertions))]
pub fn armed(_name: &str) -> bool {
    false
}

/// The `n` of `DOCKET_FAULT=<name>:<n>`, when armed.
#[cfg(debug_assertions)]
fn counted(name: &str) -> Option<usize> {
    let v = std::env::var("DOCKET_FAULT").ok()?;
    v.strip_prefix(name)?.strip_prefix(':')?.parse().ok()
}

/// Before writing the `nth` new file (1-based): a full disk, if the tests armed one.
#[cfg(debug_assertions)]
pub fn disk_full(nth: usize) -> std::io::Result<()> {
    match counted("disk-full") {
        Some(n) if n == nth => Err(std::io::Error::from_raw_os_error(28)), // ENOSPC
        _ => Ok(()),
    }
}

/// After writing the `nth` new file: Ctrl-C, if the tests armed it.
#[cfg(debug_assertions)]
pub fn ctrl_c(nth: usize) {
    if counted("ctrl-c") == Some(nth) {
        let _ =
            rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::INT);
    }
}

#[cfg(not(debug_assertions))]
pub fn disk_full(_nth: usize) -> std::io::Result<()> {
    Ok(())
}

#[cfg(not(debug_assertions))]
pub fn ctrl_c(_nth: usize) {}

/// The log file as the audit entries' `len` bytes are appended to it: with
/// `DOCKET_FAULT=append-enospc` (or `append-undo-fails`) the first half goes in and the
/// rest fails with ENOSPC, as on a full disk.
pub struct Appending<'f> {
    file: &'f File,
    room: usize,
}

impl<'f> Appending<'f> {
    pub fn new(file: &'f File, len: usize) -> Self {
        let full = armed("append-enospc") || armed("append-undo-fails");
        Appending {
            file,
            room: if full { len / 2 } else { usize::MAX },
        }
    }
}

impl Write for Appending<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 && !buf.is_empty() {
            return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
        }
        let n = self.file.write(&buf[..buf.len().min(self.room)])?;
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Once the audit entries are written, before they are synced: Ctrl-C, if armed.
pub fn append_ctrl_c() {
    if armed("append-ctrl-c") {
        let _ =
            rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::INT);
    }
}

/// Cutting the log back after a failed append fails too (an I/O error), if armed.
pub fn undo_fails() -> std::io::Result<()> {
    if armed("append-undo-fails") {
        return Err(std::io::Error::from_raw_os_error(5)); // EIO
    }
    Ok(())
}
