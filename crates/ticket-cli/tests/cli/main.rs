//! The CLI's contract, end to end: parity with tickets.sh, JSON, exit codes, human snapshots.

mod changes;
mod claims;
mod columns;
mod completion;
mod contract;
mod edit;
mod exit_codes;
mod foreign;
mod guards;
mod help_examples;
mod hostile;
mod json;
mod parity;
mod progress;
mod relations;
mod search;
mod snapshots;
mod support;
mod sync;
mod text;
