//! The CLI's contract, end to end: parity with tickets.sh, JSON, exit codes, human snapshots.

mod exit_codes;
mod help_examples;
mod hostile;
mod json;
mod parity;
mod search;
mod snapshots;
mod support;
