//! The text formats of docs/format.md: frontmatter values, item.md and thread.md.
//!
//! Pure functions over strings: the doctor reuses them to point at exact lines.

pub mod frontmatter;
pub mod scalar;
pub mod thread;
