//! The hash-chained audit log (R-A4): entry encoding, the chain walk, and the index of
//! what the log says the store holds.

pub mod act;
pub mod chain;
pub mod conflict;
pub mod entry;
pub mod heads;
pub mod index;
pub mod merge;
pub mod segments;
mod stream;
pub mod trust;

pub use chain::{Head, is_torn_tail};
pub use entry::{Entry, FileHash};
pub use index::{LogIndex, RecordHead};
