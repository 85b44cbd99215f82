//! Standard output and error: text or JSON, and a broken pipe that ends the command quietly.

use std::io::{self, Write};

use serde::Serialize;

use crate::error::CliError;

pub struct Out {
    pub json: bool,
}

impl Out {
    pub fn bytes(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        let mut stdout = io::stdout().lock();
        stdout
            .write_all(bytes)
            .and_then(|()| stdout.flush())
            .map_err(|source| CliError::Io {
                what: "cannot write to standard output".into(),
                source,
            })
    }

    pub fn text(&mut self, text: &str) -> Result<(), CliError> {
        self.bytes(text.as_bytes())
    }

    pub fn json<T: Serialize>(&mut self, value: &T) -> Result<(), CliError> {
        let mut text = serde_json::to_string_pretty(value).map_err(|e| CliError::Io {
            what: "cannot encode JSON".into(),
            source: io::Error::other(e),
        })?;
        text.push('\n');
        self.text(&text)
    }

    /// A line on standard error (ignored if standard error is gone).
    pub fn warn(&mut self, line: &str) -> Result<(), CliError> {
        let _ = writeln!(io::stderr(), "warning: {line}");
        Ok(())
    }
}
