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
            .map_err(stdout_error)
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

    /// Buffered standard output for text printed piece by piece.
    pub fn stream(&mut self) -> Stream {
        Stream {
            stdout: io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
        }
    }

    /// A `note:` line on standard error: something the user should know, not a failure.
    pub fn note(&mut self, line: &str) {
        let _ = writeln!(io::stderr(), "note: {line}");
    }
}

/// Text written to standard output as it is produced (see [`Out::stream`]).
pub struct Stream {
    stdout: io::BufWriter<io::StdoutLock<'static>>,
}

impl Stream {
    pub fn write(&mut self, text: &str) -> Result<(), CliError> {
        self.stdout.write_all(text.as_bytes()).map_err(stdout_error)
    }

    /// A warning on standard error, after what was printed so far.
    pub fn warn(&mut self, line: &str) -> Result<(), CliError> {
        self.stdout.flush().map_err(stdout_error)?;
        let _ = writeln!(io::stderr(), "warning: {line}");
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), CliError> {
        self.stdout.flush().map_err(stdout_error)
    }
}

fn stdout_error(source: io::Error) -> CliError {
    CliError::Io {
        what: "cannot write to standard output".into(),
        source,
    }
}
