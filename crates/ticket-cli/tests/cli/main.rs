//! The CLI's contract, end to end: parity with tickets.sh, JSON, exit codes, human snapshots.

mod exit_codes;
mod hostile;
mod json;
mod parity;
mod relations;
mod snapshots;
mod support;
