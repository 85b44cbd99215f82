//! The `ticket` binary: a drop-in for `tickets.sh` with `--json` everywhere.
//!
//! It is the only crate that prints or picks exit codes.

fn main() {
    eprintln!("ticket: not implemented yet; use ./tickets.sh");
    std::process::exit(1);
}
