//! Crash points for the fault-injection tests: in debug builds, `DOCKET_FAULT=<point>`
//! aborts the process there, as a kill or a power cut would; `DOCKET_FAULT=disk-full:N`
//! fails the write of the Nth new file as a full disk would, and `DOCKET_FAULT=ctrl-c:N`
//! delivers SIGINT after the Nth. Release builds have none of them: these functions
//! compile to nothing.

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
