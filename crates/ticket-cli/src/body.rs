//! Where an event's body comes from: `--file F` (`-` for standard input), else standard input
//! when it is not a terminal, else the default text.

use std::io::{IsTerminal, Read};
use std::path::Path;

use crate::error::CliError;

pub const NO_BODY: &str = "No body provided.\n";

pub fn read(file: Option<&Path>, default: &str) -> Result<String, CliError> {
    let bytes = match file {
        Some(p) if p == Path::new("-") => read_stdin()?,
        Some(p) => {
            if !p.is_file() {
                return Err(CliError::FileNotFound(p.to_path_buf()));
            }
            std::fs::read(p).map_err(|source| CliError::Io {
                what: format!("cannot read {}", p.display()),
                source,
            })?
        }
        None if !std::io::stdin().is_terminal() => read_stdin()?,
        None => default.as_bytes().to_vec(),
    };
    String::from_utf8(bytes)
        .map_err(|_| CliError::Usage("the body is not UTF-8 text; convert it to UTF-8".into()))
}

fn read_stdin() -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|source| CliError::Io {
            what: "cannot read standard input".into(),
            source,
        })?;
    Ok(buf)
}
