//! The doctor's tests, one binary: fault injection against a hand-written fixture and the real
//! corpus, the clean corpus, fixes, shell parity and never-panic properties.

mod corpus;
mod faults;
mod fix;
mod parity;
mod props;
mod support;
