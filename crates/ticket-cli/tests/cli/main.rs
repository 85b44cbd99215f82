//! The CLI's contract, end to end: parity with tickets.sh, JSON, exit codes, human snapshots.

mod edit;
mod exit_codes;
mod hostile;
mod json;
mod parity;
mod snapshots;
mod support;
