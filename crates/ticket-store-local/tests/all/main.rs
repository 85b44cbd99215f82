//! One integration test binary for the local backend (one link, many modules).

mod conformance;
mod corpus;
mod corrupt;
mod diffs;
mod edits;
mod fuzz_names;
mod hostile;
mod locking;
mod relations;
mod roundtrip;
mod safety;
mod slug_index;
mod support;
