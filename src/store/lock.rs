//! The store lock (`records/.lock`): writers hold it exclusively, readers shared, so a
//! reader never sees a half-appended audit entry.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

pub struct StoreLock {
    _file: Option<File>,
}

fn read_only(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    Shared,
    Exclusive,
}

impl StoreLock {
    /// Take the lock, calling `on_wait` once if another process holds it, and giving up
    /// with a state conflict (exit 6) after `timeout`.
    pub fn acquire(
        path: &Path,
        mode: LockMode,
        timeout: Duration,
        on_wait: &dyn Fn(),
    ) -> Result<StoreLock> {
        let file = match OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .read(true)
            .open(path)
        {
            Ok(f) => f,
            // A store on a read-only disk (or folder) still answers reads: a shared lock
            // needs only a readable lock file, and without one nobody can write either.
            Err(e) if mode == LockMode::Shared && read_only(&e) => match File::open(path) {
                Ok(f) => f,
                Err(_) => return Ok(StoreLock { _file: None }),
            },
            Err(e) => return Err(Error::io(path, e)),
        };
        let start = Instant::now();
        let mut told = false;
        loop {
            let attempt = match mode {
                LockMode::Shared => file.try_lock_shared(),
                LockMode::Exclusive => file.try_lock(),
            };
            match attempt {
                Ok(()) => return Ok(StoreLock { _file: Some(file) }),
                Err(TryLockError::WouldBlock) => {
                    if start.elapsed() >= timeout {
                        return Err(Error::conflict(
                            t!(
                                "lock-store-busy-another-docket",
                                display = path.display(),
                                as_secs = timeout.as_secs()
                            ),
                            Some(t!("lock-try-again-when-has").to_string()),
                        ));
                    }
                    if !told {
                        on_wait();
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(path, e)),
            }
        }
    }
}
