//! Files in and out: encodings, import mappings, CSV cells and the files exports write.

pub mod bounded;
pub mod cells;
pub mod encoding;
pub mod lines;
pub mod mapping;
pub mod output_file;
pub mod source;
