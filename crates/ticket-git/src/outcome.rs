//! git run for its exit code as well as its output: commands whose failure is an answer
//! (`diff --quiet`, `merge-base --is-ancestor`, a `merge` that stops on conflicts, a `push` the
//! remote refuses).

use std::ffi::OsStr;
use std::process::{Command, Stdio};

use snafu::ResultExt;

use crate::{GitError, Repo, SpawnSnafu};

/// What a git command said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn success(&self) -> bool {
        self.code == 0
    }

    /// This outcome as the error of `git <args>` run in `dir`, for a failure that is not an
    /// answer after all.
    pub fn into_error(self, dir: &camino::Utf8Path, args: String) -> GitError {
        GitError::Failed {
            dir: dir.to_path_buf(),
            args,
            code: self.code,
            stderr: self.stderr,
        }
    }
}

impl Repo {
    /// Runs `git <args>` in the worktree and returns how it ended, failed or not; an error only
    /// when git cannot be started.
    pub fn git_outcome<I, S>(&self, args: I) -> Result<Outcome, GitError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let dir = &self.worktree;
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .context(SpawnSnafu { dir })?;
        Ok(Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
    }
}
