//! Git conflict markers left in a ticket file by a merge.
//!
//! Only `<<<<<<< ` and `>>>>>>> ` at the start of a line count: a lone `=======` is an ordinary
//! Markdown setext underline. Works on bytes, so a non-UTF-8 file is checked too.

use std::path::Path;

use crate::code::Code;
use crate::report::Sink;

pub(super) fn check(bytes: &[u8], path: &Path, sink: &mut Sink) {
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.starts_with(b"<<<<<<< ") || line.starts_with(b">>>>>>> ") {
            let marker = String::from_utf8_lossy(&line[..7]);
            sink.push(
                Code::ConflictMarker,
                path,
                Some(n + 1),
                format!(
                    "git conflict marker `{marker}`: {}:{}",
                    path.display(),
                    n + 1
                ),
            );
        }
    }
}
