//! Files in and out: encodings and import mappings.

pub mod encoding;
pub mod lines;
pub mod mapping;
