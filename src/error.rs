//! Typed errors of the library, one variant per documented exit code, so the CLI can map
//! any failure to its message and exit status without string matching.

use std::fmt;
use std::path::PathBuf;

/// Where in the user's input a problem is: file (or `--set`), line and field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub field: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: Some(file.into()),
            ..Default::default()
        }
    }
    pub fn line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote = false;
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
            wrote = true;
        }
        if let Some(field) = &self.field {
            if wrote {
                write!(f, ": ")?;
            }
            write!(f, "{}", crate::t!("loc-field", field = field))?;
            // After a field, the separator is the language's (Chinese writes `：`); after
            // a file and line it stays `:`, as editors and compilers write them.
            return write!(f, "{}", crate::t!("loc-separator"));
        }
        if wrote {
            write!(f, ": ")?;
        }
        Ok(())
    }
}

/// Invalid input: validation failures, unknown ids or kinds, malformed files (exit 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub at: Location,
    pub message: String,
    pub hint: Option<String>,
}

impl InputError {
    pub fn new(at: Location, message: impl Into<String>) -> Self {
        InputError {
            at,
            message: message.into(),
            hint: None,
        }
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.at, self.message)
    }
}

/// One integrity problem: what is wrong and where (an audit-log line or a file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problem {
    pub at: String,
    pub message: String,
    /// What sort of problem, for code that acts on it: never told by its message text,
    /// which is in the reader's language.
    pub kind: ProblemKind,
}

/// What a problem is, where code treats some differently.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProblemKind {
    #[default]
    Integrity,
    /// The log ends in a line or transaction cut short by a crash: `recover` repairs it.
    TornTail,
    /// The log is shorter than, or forked from, what this machine verified: perhaps a
    /// deliberate rollback.
    Rollback,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Exit 1: the file system failed us.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
        hint: Option<String>,
    },
    /// Exit 1: a bug or an impossible state.
    #[error("{}", crate::t!("error-internal", message = .0))]
    Internal(String),
    /// Exit 2: the command line itself is wrong.
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },
    /// Exit 3: the audit chain or a record file does not match what was logged.
    #[error("{}", crate::t!("error-integrity", problem = problems.first().map(|p| p.to_string()).unwrap_or_default()))]
    Integrity { problems: Vec<Problem> },
    /// Exit 4: the actor may not do this.
    #[error("{message}")]
    Denied {
        message: String,
        hint: Option<String>,
    },
    /// Exit 5: invalid input; may carry several problems (every bad row of an import).
    #[error("{}", .0.first().map(|e| e.to_string()).unwrap_or_default())]
    Invalid(Vec<InputError>),
    /// Exit 6: the record would duplicate one already in the store (a customer's identity
    /// number); one problem per duplicate, at its line when imported.
    #[error("{}", .0.first().map(|e| e.to_string()).unwrap_or_default())]
    Duplicate(Vec<InputError>),
    /// Exit 6: the record is in the wrong state, or the store is busy.
    #[error("{message}")]
    Conflict {
        message: String,
        hint: Option<String>,
    },
    /// Exit 130: Ctrl-C (or a termination signal) stopped a write before its commit point;
    /// what it had written was removed.
    #[error("{}", crate::t!("error-interrupted"))]
    Interrupted,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
            hint: None,
        }
    }
    pub fn io_hint(path: impl Into<PathBuf>, source: std::io::Error, hint: &str) -> Self {
        Error::Io {
            path: path.into(),
            source,
            hint: Some(hint.to_string()),
        }
    }
    pub fn usage(message: impl Into<String>, hint: impl Into<Option<String>>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: hint.into(),
        }
    }
    pub fn denied(message: impl Into<String>, hint: impl Into<Option<String>>) -> Self {
        Error::Denied {
            message: message.into(),
            hint: hint.into(),
        }
    }
    pub fn conflict(message: impl Into<String>, hint: impl Into<Option<String>>) -> Self {
        Error::Conflict {
            message: message.into(),
            hint: hint.into(),
        }
    }
    pub fn integrity(at: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Integrity {
            problems: vec![Problem {
                at: at.into(),
                message: message.into(),
                ..Default::default()
            }],
        }
    }
    /// The problems of an error that lists them one by one (bad input, duplicates).
    pub fn input_problems(&self) -> Option<&[InputError]> {
        match self {
            Error::Invalid(errors) | Error::Duplicate(errors) => Some(errors),
            _ => None,
        }
    }
    pub fn invalid(at: Location, message: impl Into<String>, hint: &str) -> Self {
        Error::Invalid(vec![InputError::new(at, message).hint(hint)])
    }

    /// The documented exit code (README "Exit codes").
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Io { .. } | Error::Internal(_) => 1,
            Error::Usage { .. } => 2,
            Error::Integrity { .. } => 3,
            Error::Denied { .. } => 4,
            Error::Invalid(_) => 5,
            Error::Conflict { .. } | Error::Duplicate(_) => 6,
            Error::Interrupted => 130,
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Invalid(vec![e])
    }
}

/// Attach a path to an I/O error.
pub trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|e| Error::io(path, e))
    }
}
