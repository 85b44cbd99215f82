//! The bytes of docs/format.md: item.md frontmatter, its scalars and flow lists, thread.md
//! events, and the mapping between them and the domain's types.
//!
//! Pure functions over strings, no I/O: the local backend, the doctor and xtask read and write
//! files, and hand the text to this crate. Parsing is byte-exact (every entry keeps its byte span
//! and line, bodies are kept byte for byte) and never panics on any input.

pub mod codec;
pub mod foreign;
pub mod frontmatter;
pub mod json;
pub mod keys;
pub mod merge;
pub mod scalar;
pub mod thread;
