//! `init`: a root made ready to live in git (docs/sync.md): its status directories kept by
//! `.gitkeep` files, a `.gitignore` of its local files, a `.gitattributes` routing `thread.md` and
//! `item.md` to the merge drivers, and the drivers configured in this clone's git config.

use std::path::Path;

use camino::Utf8PathBuf;
use ticket_git::Repo;
use ticket_store_local::in_git::InitFile;
use ticket_store_local::layout::{ITEM_DRIVER, THREAD_DRIVER};

use crate::App;
use crate::error::AppError;

/// How git is to run the merge drivers: the command that starts this program, already quoted
/// for the shell git runs drivers with (the client knows it; the use case does not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitRequest {
    pub program: String,
}

/// One thing `init` did; clients word it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InitStep {
    /// A directory or file of the root made.
    File(InitFile),
    /// A key of the clone's git config set (`config` is that file).
    Configured { key: String, config: String },
}

/// What `init` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Initialized {
    pub root: String,
    /// Each thing done, in order; empty when everything was already there.
    pub done: Vec<InitStep>,
    /// The repository's common directory, when the root is in one.
    pub repository: Option<String>,
}

/// The two drivers: (config name, what it merges, the argument that selects it).
pub const DRIVERS: [(&str, &str, &str); 2] = [
    (THREAD_DRIVER, "ticket thread.md: union of events", "thread"),
    (ITEM_DRIVER, "ticket item.md: field by field", "item"),
];

/// The `driver` value of a merge driver for `program`.
pub fn driver_command(program: &str, which: &str) -> String {
    format!("{program} merge-driver {which} %O %A %B %P")
}

/// The repository `path` is in, if any.
pub(crate) fn repo_of(path: &Path) -> Result<Option<Repo>, AppError> {
    let abs = std::path::absolute(path).map_err(|e| AppError::MergeFile {
        path: path.to_path_buf(),
        message: format!("cannot be made absolute ({e})"),
    })?;
    let Ok(abs) = Utf8PathBuf::from_path_buf(abs) else {
        return Ok(None);
    };
    Ok(Repo::discover(&abs)?)
}

/// Whether `repo`'s config names both drivers.
pub(crate) fn drivers_configured(repo: &Repo) -> Result<bool, AppError> {
    for (name, _, _) in DRIVERS {
        let key = format!("merge.{name}.driver");
        if !repo
            .git_outcome(["config", "--get", key.as_str()])?
            .success()
        {
            return Ok(false);
        }
    }
    Ok(true)
}

impl App {
    /// Makes the root ready for git, idempotently, and says what it did.
    pub fn init(&self, request: &InitRequest) -> Result<Initialized, AppError> {
        let mut done: Vec<InitStep> = self
            .writer()?
            .init_files()?
            .into_iter()
            .map(InitStep::File)
            .collect();
        let repo = repo_of(&self.root)?;
        if let Some(repo) = &repo {
            for (name, description, which) in DRIVERS {
                let want = driver_command(&request.program, which);
                for (key, value) in [
                    (format!("merge.{name}.name"), description.to_owned()),
                    (format!("merge.{name}.driver"), want),
                ] {
                    let now = repo.git_outcome(["config", "--get", key.as_str()])?;
                    if now.success() && now.stdout.trim_end_matches('\n') == value {
                        continue;
                    }
                    repo.git(["config", key.as_str(), value.as_str()])?;
                    done.push(InitStep::Configured {
                        key,
                        config: repo.common_dir.join("config").to_string(),
                    });
                }
            }
        }
        Ok(Initialized {
            root: self.root.display().to_string(),
            done,
            repository: repo.map(|r| r.common_dir.to_string()),
        })
    }
}
