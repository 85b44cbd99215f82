//! Where a text a command writes comes from, the same three ways for every such command
//! (`create`, `comment`, `review`, `close`): `--body TEXT` or `-m TEXT` (a line), `--file F`
//! (`-` for standard input), else standard input when it is not a terminal, else none (the use
//! case gives the default text). A body is read to at most one byte past
//! `construct::MAX_BODY_BYTES`, so a huge file is refused without being read whole.

use std::io::{IsTerminal, Read};
use std::path::Path;

use ticket_domain::construct::{MAX_BODY_BYTES, check_body_size};

use ticket_app::BodyText;

use crate::error::CliError;

/// The text given: a line typed (`--body`, `-m`), else [`read`]'s.
pub fn given(line: Option<String>, file: Option<&Path>) -> Result<Option<BodyText>, CliError> {
    match line {
        Some(line) => Ok(Some(BodyText::Line(line))),
        None => Ok(read(file)?.map(BodyText::Verbatim)),
    }
}

/// The body given: `--file F` (`-` for standard input), else standard input when it is not a
/// terminal; `None` when there is none (the use case picks the default).
pub fn read(file: Option<&Path>) -> Result<Option<String>, CliError> {
    match file {
        Some(p) => read_file(p).map(Some),
        None if !std::io::stdin().is_terminal() => text(read_stdin()?).map(Some),
        None => Ok(None),
    }
}

/// The text of `--file F` (`-` for standard input).
pub fn read_file(p: &Path) -> Result<String, CliError> {
    let bytes = if p == Path::new("-") {
        read_stdin()?
    } else {
        // Any readable file will do: /dev/null, /dev/stdin, a process substitution's pipe.
        let file = std::fs::File::open(p).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => CliError::FileNotFound(p.to_path_buf()),
            _ => CliError::NotReadable {
                path: p.to_path_buf(),
                source,
            },
        })?;
        read_bounded(file).map_err(|source| CliError::NotReadable {
            path: p.to_path_buf(),
            source,
        })?
    };
    text(bytes)
}

fn text(bytes: Vec<u8>) -> Result<String, CliError> {
    check_body_size(bytes.len())?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::Usage("the body is not UTF-8 text; convert it to UTF-8".into()))
}

fn read_stdin() -> Result<Vec<u8>, CliError> {
    read_bounded(std::io::stdin()).map_err(|source| CliError::Io {
        what: "cannot read standard input".into(),
        source,
    })
}

/// At most one byte more than a body may hold: enough to know it is too large.
fn read_bounded(input: impl Read) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    input
        .take(MAX_BODY_BYTES as u64 + 1)
        .read_to_end(&mut buf)?;
    Ok(buf)
}
