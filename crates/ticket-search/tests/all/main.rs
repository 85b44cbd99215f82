//! ticket-search against tickets held in memory: the index and the scan agree, the index sees
//! every change made behind its back, and a broken index is rebuilt.

mod fake;
mod freshness;
mod parity;
mod props;
