//! Git conflict markers left in a ticket file by a merge.
//!
//! Only `<<<<<<< ` and `>>>>>>> ` at the start of a line count: a lone `=======` is an ordinary
//! Markdown setext underline. Works on bytes, so a non-UTF-8 file is checked too. The markers
//! are searched for with `memchr`'s substring search, so a clean file costs one fast pass per
//! marker rather than a walk over its lines.

use std::path::Path;

use memchr::memmem;

use crate::code::Code;
use crate::report::Sink;

pub(super) fn check(bytes: &[u8], path: &Path, sink: &mut Sink) {
    let mut starts: Vec<usize> = [b"<<<<<<< ".as_slice(), b">>>>>>> "]
        .into_iter()
        .flat_map(|marker| memmem::find_iter(bytes, marker))
        .filter(|&at| at == 0 || bytes[at - 1] == b'\n')
        .collect();
    starts.sort_unstable();
    for at in starts {
        let line = 1 + memchr::memchr_iter(b'\n', &bytes[..at]).count();
        let marker = String::from_utf8_lossy(&bytes[at..at + 7]);
        sink.push(
            Code::ConflictMarker,
            path,
            Some(line),
            format!("git conflict marker `{marker}`: {}:{line}", path.display()),
        );
    }
}
