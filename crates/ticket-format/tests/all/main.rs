//! One integration test binary for the format crate (one link, many modules).

mod edits;
mod fuzz;
mod merge;
