//! Crash points for the fault-injection tests: in debug builds, `DOCKET_FAULT=<point>`
//! aborts the process there, as a kill or a power cut would. Release builds have no
//! crash points: `point` and `armed` compile to nothing.

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
