//! Files in and out: encodings and import mappings.

pub mod bounded;
pub mod encoding;
pub mod lines;
pub mod mapping;
