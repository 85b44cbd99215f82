//! Consistency rules over a ticket root, returned as structured diagnostics.
//!
//! It reports; it never mutates a ticket unless a caller asks it to fix, and it never prints.
