//! The git adapter. It finds the repository a path lives in without starting git (the walk up to
//! `.git`, the `gitdir:` file of a linked worktree, its `commondir`), so a local command pays for
//! no process, and runs `git` itself for everything else ([`Repo::git`]).
//!
//! It knows nothing of tickets: the claims and the sync of ticket-app say what to run.

use std::ffi::OsStr;
use std::io::Write;
use std::process::{Command, Stdio};

mod outcome;

pub use outcome::Outcome;

use camino::{Utf8Path, Utf8PathBuf};
use snafu::{ResultExt, Snafu};

/// What went wrong finding a repository or running git.
#[derive(Debug, Snafu)]
#[snafu(visibility(pub(crate)))]
pub enum GitError {
    /// A `.git` file or `commondir` that could not be read or made sense of.
    #[snafu(display("{path}: {reason}; check that the git repository there is intact"))]
    Layout { path: Utf8PathBuf, reason: String },
    /// `git` could not be started at all.
    #[snafu(display("could not run git in {dir}: {source}; is git installed and on PATH?"))]
    Spawn {
        dir: Utf8PathBuf,
        source: std::io::Error,
    },
    /// `git` ran and failed.
    #[snafu(display("`git {args}` failed in {dir} (exit {code}): {stderr}"))]
    Failed {
        dir: Utf8PathBuf,
        args: String,
        code: i32,
        stderr: String,
    },
}

/// A repository as seen from one working tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// The top of the working tree holding the path (the directory with `.git`).
    pub worktree: Utf8PathBuf,
    /// This worktree's own git directory (`.git`, or `.git/worktrees/<name>` of a linked one).
    pub git_dir: Utf8PathBuf,
    /// The directory every worktree of the clone shares (refs, objects, config).
    pub common_dir: Utf8PathBuf,
}

impl Repo {
    /// The repository `path` lives in, found by walking up to a `.git` directory or file, or
    /// `None` outside any. `path` should be absolute; a relative one is taken from the current
    /// directory.
    pub fn discover(path: &Utf8Path) -> Result<Option<Repo>, GitError> {
        let start = if path.is_absolute() {
            path.to_path_buf()
        } else {
            let cwd = std::env::current_dir().map_err(|e| GitError::Layout {
                path: path.to_path_buf(),
                reason: format!("the current directory cannot be read ({e})"),
            })?;
            match Utf8PathBuf::from_path_buf(cwd) {
                Ok(cwd) => cwd.join(path),
                Err(cwd) => {
                    return LayoutSnafu {
                        path: Utf8PathBuf::from(cwd.to_string_lossy().into_owned()),
                        reason: "the path is not UTF-8",
                    }
                    .fail();
                }
            }
        };
        let mut dir = Some(start.as_path());
        while let Some(d) = dir {
            let dot_git = d.join(".git");
            if dot_git.is_dir() {
                return Ok(Some(Repo {
                    worktree: d.to_path_buf(),
                    common_dir: common_dir_of(&dot_git)?,
                    git_dir: dot_git,
                }));
            }
            if dot_git.is_file() {
                let git_dir = gitdir_of_file(&dot_git)?;
                return Ok(Some(Repo {
                    worktree: d.to_path_buf(),
                    common_dir: common_dir_of(&git_dir)?,
                    git_dir,
                }));
            }
            dir = d.parent();
        }
        Ok(None)
    }

    /// Runs `git <args>` in the worktree and returns its standard output.
    pub fn git<I, S>(&self, args: I) -> Result<String, GitError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run(&self.worktree, args, None)
    }

    /// Runs `git <args>` in the worktree with `input` on its standard input.
    pub fn git_with_input<I, S>(&self, args: I, input: &[u8]) -> Result<String, GitError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run(&self.worktree, args, Some(input))
    }
}

/// Runs `git <args>` in `dir`, feeding `input` if any; standard output on success.
pub fn run<I, S>(dir: &Utf8Path, args: I, input: Option<&[u8]>) -> Result<String, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let mut cmd = Command::new("git");
    cmd.args(&args)
        .current_dir(dir)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().context(SpawnSnafu { dir })?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        // A git that exits early closes its end; its exit status then says what went wrong.
        let _ = stdin.write_all(input);
    }
    let out = child.wait_with_output().context(SpawnSnafu { dir })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        FailedSnafu {
            dir,
            args: args
                .iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" "),
            code: out.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        }
        .fail()
    }
}

/// The git directory a linked worktree's `.git` file points at (`gitdir: <path>`).
fn gitdir_of_file(dot_git: &Utf8Path) -> Result<Utf8PathBuf, GitError> {
    let text = std::fs::read_to_string(dot_git).map_err(|e| GitError::Layout {
        path: dot_git.to_path_buf(),
        reason: format!("cannot be read ({e})"),
    })?;
    let Some(target) = text.lines().next().and_then(|l| l.strip_prefix("gitdir:")) else {
        return LayoutSnafu {
            path: dot_git,
            reason: "holds no `gitdir:` line",
        }
        .fail();
    };
    let target = Utf8Path::new(target.trim());
    let base = dot_git.parent().unwrap_or(Utf8Path::new("."));
    Ok(if target.is_absolute() {
        target.to_path_buf()
    } else {
        base.join(target)
    })
}

/// The common directory of `git_dir`: the one its `commondir` file names, else itself.
fn common_dir_of(git_dir: &Utf8Path) -> Result<Utf8PathBuf, GitError> {
    let file = git_dir.join("commondir");
    match std::fs::read_to_string(&file) {
        Ok(text) => {
            let target = Utf8Path::new(text.trim());
            let joined = if target.is_absolute() {
                target.to_path_buf()
            } else {
                git_dir.join(target)
            };
            Ok(normalize(&joined))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(git_dir.to_path_buf()),
        Err(e) => LayoutSnafu {
            path: file,
            reason: format!("cannot be read ({e})"),
        }
        .fail(),
    }
}

/// `a/b/../c` as `a/c`, lexically (git writes `commondir` as `../..`).
fn normalize(path: &Utf8Path) -> Utf8PathBuf {
    let mut out = Utf8PathBuf::new();
    for part in path.components() {
        match part {
            camino::Utf8Component::ParentDir => {
                out.pop();
            }
            camino::Utf8Component::CurDir => {}
            other => out.push(other.as_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf8(p: &std::path::Path) -> Utf8PathBuf {
        Utf8PathBuf::from_path_buf(p.to_path_buf()).expect("temp paths are UTF-8")
    }

    #[test]
    fn outside_a_repository_there_is_none() {
        let tmp = tempfile::tempdir().expect("tempdir");
        // A temp directory may sit inside a repository on some machines; only assert when not.
        if std::process::Command::new("git")
            .args(["rev-parse", "--git-dir"])
            .current_dir(tmp.path())
            .output()
            .map(|o| !o.status.success())
            .unwrap_or(false)
        {
            assert_eq!(Repo::discover(&utf8(tmp.path())).expect("discover"), None);
        }
    }

    #[test]
    fn a_linked_worktree_shares_the_common_dir_git_reports() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let main = utf8(tmp.path()).join("main");
        std::fs::create_dir_all(main.join("sub/deeper")).expect("mkdir");
        run(&main, ["init", "-q", "-b", "main"], None).expect("git init");
        run(
            &main,
            [
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                "x",
            ],
            None,
        )
        .expect("commit");
        let wt = utf8(tmp.path()).join("wt");
        run(
            &main,
            ["worktree", "add", "-q", wt.as_str(), "-b", "other"],
            None,
        )
        .expect("worktree");
        std::fs::create_dir_all(wt.join("a/b")).expect("mkdir");

        let in_main = Repo::discover(&main.join("sub/deeper"))
            .expect("discover")
            .expect("repo");
        let in_wt = Repo::discover(&wt.join("a/b"))
            .expect("discover")
            .expect("repo");
        assert_eq!(in_main.worktree, main);
        assert_eq!(in_wt.worktree, wt);
        assert_ne!(in_main.git_dir, in_wt.git_dir);
        assert_eq!(in_main.common_dir, in_wt.common_dir);
        let reported = in_wt
            .git(["rev-parse", "--path-format=absolute", "--git-common-dir"])
            .expect("rev-parse");
        let reported = std::fs::canonicalize(reported.trim()).expect("canonical");
        assert_eq!(
            std::fs::canonicalize(&in_wt.common_dir).expect("canonical"),
            reported
        );
    }

    #[test]
    fn a_failing_git_names_its_arguments_and_stderr() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let err = run(&utf8(tmp.path()), ["frobnicate"], None).expect_err("no such command");
        let text = err.to_string();
        assert!(text.contains("git frobnicate"), "{text}");
        assert!(text.contains("frobnicate"), "{text}");
    }
}
