//! `App::search` on the real corpus: the queries checked by hand, the index and the scan giving
//! the same answers, and changes made behind the index's back (tickets.sh, an editor, a move)
//! found by the next search.

mod behind;
mod corpus;
mod props;
mod support;
