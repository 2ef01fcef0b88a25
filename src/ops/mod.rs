//! What each command does, as library functions returning data: the CLI renders it.

pub mod actors;
pub mod against;
pub mod archive;
pub mod export;
pub mod import;
pub mod init;
pub mod input;
pub mod lifecycle;
pub mod log;
mod matches;
pub mod oversight;
pub mod path_list;
pub mod policy;
pub mod read;
pub mod runs;
pub mod site;
pub mod staged;
pub mod status;
pub mod subject;
pub mod unique;
pub mod validate;
pub mod verify;
pub mod write;
