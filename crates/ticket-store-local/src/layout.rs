//! The names of a `work-items/` root, in one place (docs/format.md lays them out): the status
//! directories, a ticket's files, the root's lock, temporary and index directories, and the names
//! temporary files are left under when a writer dies.
//!
//! Every other module of this crate, and the doctor, asks this one; none spells a name itself.
//!
//! ```text
//! <root>/
//!   .lock  .tmp/  .index/            (LOCK_FILE, TMP_DIR, INDEX_DIR)
//!                 .index/names       (INDEX_NAMES: ticket directory names, for stamps)
//!                 .index/catalog     (INDEX_CATALOG: every ticket's relations, by item.md's stamp)
//!                 .index/search/     (SEARCH_DIR: the search index, ticket-search's own)
//!                 .index/feed/       (FEED_DIR: the change feed's state, deltas and lock)
//!   .leases/                         (LEASES_DIR: leases, outside git only)
//!   open/ pending/ closed/           (STATUS_DIRS)
//!     <id>/                          (ticket_dir)
//!       item.md  thread.md  resolution.md  artifacts/.gitkeep
//! ```

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The status directory of open tickets (the one `create` writes into).
pub const OPEN: &str = "open";
/// The status directory of pending tickets.
pub const PENDING: &str = "pending";
/// The status directory of closed tickets.
pub const CLOSED: &str = "closed";
/// The status directories, in list order.
pub const STATUS_DIRS: [&str; 3] = [OPEN, PENDING, CLOSED];

/// The status directory named `status` (`open`, `pending`, `closed`), as the `'static` name
/// the layout keeps; `None` for any other value, which no directory holds.
pub fn status_dir(status: &str) -> Option<&'static str> {
    STATUS_DIRS.into_iter().find(|s| *s == status)
}

/// A ticket's frontmatter and body.
pub const ITEM: &str = "item.md";
/// A ticket's events.
pub const THREAD: &str = "thread.md";
/// A closed ticket's resolution.
pub const RESOLUTION: &str = "resolution.md";
/// A ticket's directory of attached files.
pub const ARTIFACTS: &str = "artifacts";
/// The empty file that keeps an empty `artifacts/` in git.
pub const GITKEEP: &str = ".gitkeep";

/// The lock file `tickets.sh` locks too (`flock(1)` on the same file excludes us, and we it).
pub const LOCK_FILE: &str = ".lock";
/// Where temporary files live: inside the root, so a rename never crosses file systems.
pub const TMP_DIR: &str = ".tmp";
/// The slug index's directory (docs/format.md, "Slug index"); it holds a `.gitignore` of `*`.
pub const INDEX_DIR: &str = ".index";
/// Inside [`INDEX_DIR`]: what the index describes (the status directories' state).
pub const INDEX_STAMP: &str = "stamp";
/// Inside [`INDEX_DIR`]: keeps the index out of git.
pub const INDEX_GITIGNORE: &str = ".gitignore";
/// Inside [`INDEX_DIR`]: the prefix of a file being replaced.
pub const INDEX_TMP_PREFIX: &str = ".new-";
/// Inside [`INDEX_DIR`]: every ticket directory's name, with the status directories' state.
pub const INDEX_NAMES: &str = "names";
/// The relation catalog cache in the index directory (`catalog`).
pub const INDEX_CATALOG: &str = "catalog";
/// Inside [`INDEX_DIR`]: the full-text search index (ticket-search owns what is inside).
pub const SEARCH_DIR: &str = "search";

/// The lease state of a root outside any git repository (docs/claims.md): `<root>/.leases/`,
/// which git ignores (`ticket init` writes the root's `.gitignore`).
pub const LEASES_DIR: &str = ".leases";
/// Inside a git common directory: `<common>/tickets/leases/<key of the root>/`, shared by every
/// worktree of the clone.
pub const GIT_LEASES_DIR: [&str; 2] = ["tickets", "leases"];
/// Inside a lease directory: the lock every lease update holds.
pub const LEASE_LOCK: &str = ".lock";
/// Inside a lease directory: the prefix of a record being replaced.
pub const LEASE_TMP_PREFIX: &str = ".new-";

/// Inside [`TMP_DIR`]: the prefix of a staged file (`fsio::stage`).
pub const TMP_FILE_PREFIX: &str = "ticket-";
/// Inside [`TMP_DIR`]: the prefix of a new ticket's scratch directory (`fsio::scratch_dir`).
pub const SCRATCH_DIR_PREFIX: &str = "ticket-new-";
/// What a crashed writer of another tool leaves beside its target (in the root, a status
/// directory or a ticket directory): atomicwrites' directories, and tickets.sh's
/// `${TMPDIR}/tickets-sh.*` files when TMPDIR points into the root. Everything in [`TMP_DIR`] is
/// a leftover too, when no writer runs.
pub const LEFTOVER_PREFIXES: [&str; 2] = [".atomicwrite", "tickets-sh."];

/// Whether `name` (outside [`TMP_DIR`]) is a leftover temporary file (see [`LEFTOVER_PREFIXES`]).
pub fn is_leftover_name(name: &OsStr) -> bool {
    let bytes = name.as_encoded_bytes();
    LEFTOVER_PREFIXES
        .iter()
        .any(|p| bytes.starts_with(p.as_bytes()))
}

/// `<root>/<status>/<id>`.
pub fn ticket_dir(root: &Path, status: &str, id: &str) -> PathBuf {
    root.join(status).join(id)
}

/// `<root>/.gitignore` and `<root>/.gitattributes`, which `init` writes (docs/sync.md).
/// A file of a ticket, named relative to a root: `<status>/<id>/<file>` (`file` may hold `/`,
/// as `artifacts/x` does). What git and sync name tickets by; parsed and spelled here only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketPath {
    pub status: String,
    pub id: String,
    pub file: String,
}

impl TicketPath {
    /// `<status>/<id>/<file>`, relative to a root; `None` when the first part is no status
    /// directory or a part is missing.
    pub fn parse(rel: &str) -> Option<Self> {
        let mut parts = rel.splitn(3, '/');
        let (status, id, file) = (parts.next()?, parts.next()?, parts.next()?);
        (STATUS_DIRS.contains(&status) && !id.is_empty() && !file.is_empty()).then(|| Self {
            status: status.to_owned(),
            id: id.to_owned(),
            file: file.to_owned(),
        })
    }

    /// A path relative to a repository's worktree, under the root at `root` (relative to the
    /// same worktree, `/`-separated; empty when the root is the worktree).
    pub fn under(root: &str, path: &str) -> Option<Self> {
        match root {
            "" => Self::parse(path),
            root => Self::parse(path.strip_prefix(root)?.strip_prefix('/')?),
        }
    }

    /// The last three parts of `path` (`.../<status>/<id>/<name>`), wherever the root is.
    pub fn ending(path: &str) -> Option<Self> {
        let mut parts = path.rsplitn(4, '/');
        let (file, id, status) = (parts.next()?, parts.next()?, parts.next()?);
        Self::parse(&format!("{status}/{id}/{file}"))
    }

    /// The same file of the ticket under another status.
    pub fn in_status(&self, status: &str) -> Self {
        Self {
            status: status.to_owned(),
            ..self.clone()
        }
    }

    /// The path relative to a repository's worktree, under the root at `root` (as in
    /// [`under`](Self::under)).
    pub fn in_root(&self, root: &str) -> String {
        match root {
            "" => self.to_string(),
            root => format!("{root}/{self}"),
        }
    }
}

impl std::fmt::Display for TicketPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.status, self.id, self.file)
    }
}

/// The directory, in a worktree's git directory, of the notes item merges leave.
pub const MERGE_NOTES_DIR: &str = "ticket-merge-notes";

pub const GITIGNORE: &str = ".gitignore";
pub const GITATTRIBUTES: &str = ".gitattributes";
/// The names of the merge drivers the root's `.gitattributes` routes its files to.
pub const THREAD_DRIVER: &str = "ticket-thread";
pub const ITEM_DRIVER: &str = "ticket-item";

/// What the root's `.gitignore` holds: its local files, never committed.
pub fn gitignore_lines() -> [String; 4] {
    [LOCK_FILE, TMP_DIR, INDEX_DIR, LEASES_DIR].map(|n| {
        if n == LOCK_FILE {
            format!("/{n}")
        } else {
            format!("/{n}/")
        }
    })
}

/// What the root's `.gitattributes` holds: thread.md and item.md go to the merge drivers.
pub fn gitattributes_lines() -> [String; 2] {
    [
        format!("{THREAD} merge={THREAD_DRIVER}"),
        format!("{ITEM} merge={ITEM_DRIVER}"),
    ]
}

/// `<dir>/item.md`.
pub fn item(dir: &Path) -> PathBuf {
    dir.join(ITEM)
}

/// `<dir>/thread.md`.
pub fn thread(dir: &Path) -> PathBuf {
    dir.join(THREAD)
}

/// `<dir>/resolution.md`.
pub fn resolution(dir: &Path) -> PathBuf {
    dir.join(RESOLUTION)
}

/// `<dir>/artifacts`.
pub fn artifacts(dir: &Path) -> PathBuf {
    dir.join(ARTIFACTS)
}

/// `<dir>/artifacts/.gitkeep`.
pub fn gitkeep(dir: &Path) -> PathBuf {
    artifacts(dir).join(GITKEEP)
}

/// `<root>/.lock`.
pub fn lock_file(root: &Path) -> PathBuf {
    root.join(LOCK_FILE)
}

/// `<root>/.tmp`.
pub fn tmp_dir(root: &Path) -> PathBuf {
    root.join(TMP_DIR)
}

/// Inside [`INDEX_DIR`]: the change feed (docs/feed.md): [`FEED_STATE`], [`FEED_LOCK`] and one
/// delta file per answer that saw a change, named by its number.
pub const FEED_DIR: &str = "feed";
/// Inside [`FEED_DIR`]: every ticket's stamps as the last answer saw them.
pub const FEED_STATE: &str = "state";
/// Inside [`FEED_DIR`]: the lock every answer holds.
pub const FEED_LOCK: &str = "lock";

/// `<root>/.index/feed`.
pub fn feed_dir(root: &Path) -> PathBuf {
    index_dir(root).join(FEED_DIR)
}

/// `<root>/.index`.
pub fn index_dir(root: &Path) -> PathBuf {
    root.join(INDEX_DIR)
}

/// `<root>/.index/search`.
pub fn search_dir(root: &Path) -> PathBuf {
    index_dir(root).join(SEARCH_DIR)
}

/// `<root>/.leases`: a root's lease directory outside git.
pub fn leases_in_root(root: &Path) -> PathBuf {
    root.join(LEASES_DIR)
}

/// `<common>/tickets/leases/<key>`: a root's lease directory in a git clone, `key` naming the
/// root by its path inside the worktree (`work-items`, `docs%2Fwork-items`).
pub fn leases_in_git(common_dir: &Path, key: &str) -> PathBuf {
    GIT_LEASES_DIR
        .iter()
        .fold(common_dir.to_path_buf(), |p, n| p.join(n))
        .join(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftover_names() {
        for name in [".atomicwrite", ".atomicwrite1", "tickets-sh.ids.99"] {
            assert!(is_leftover_name(OsStr::new(name)), "{name}");
        }
        for name in [
            ITEM,
            ARTIFACTS,
            GITKEEP,
            "atomicwrite",
            "tickets-sh",
            "ticket-abc",
        ] {
            assert!(!is_leftover_name(OsStr::new(name)), "{name}");
        }
    }

    #[test]
    fn ticket_paths_parse_and_spell_back() {
        // (path, root, the ticket path it names under that root)
        type Case<'a> = (&'a str, &'a str, Option<(&'a str, &'a str, &'a str)>);
        let cases: &[Case] = &[
            ("open/a/thread.md", "", Some(("open", "a", "thread.md"))),
            (
                "work-items/closed/b/item.md",
                "work-items",
                Some(("closed", "b", "item.md")),
            ),
            (
                "x/y/pending/c/artifacts/f",
                "x/y",
                Some(("pending", "c", "artifacts/f")),
            ),
            ("work-items/open/a", "work-items", None),
            ("work-items/other/a/item.md", "work-items", None),
            ("work-itemsX/open/a/item.md", "work-items", None),
            ("open//item.md", "", None),
            ("open/a/", "", None),
        ];
        for (path, root, want) in cases {
            let got = TicketPath::under(root, path);
            let want = want.map(|(status, id, file)| TicketPath {
                status: status.into(),
                id: id.into(),
                file: file.into(),
            });
            assert_eq!(got, want, "{path} under {root:?}");
            if let Some(p) = got {
                assert_eq!(p.in_root(root), *path);
            }
        }
        let end = TicketPath::ending("some/where/closed/t/item.md").expect("a ticket's file");
        assert_eq!(end.in_status(OPEN).to_string(), "open/t/item.md");
        assert_eq!(TicketPath::ending("t/item.md"), None);
    }

    #[test]
    fn paths() {
        let root = Path::new("work-items");
        let dir = ticket_dir(root, OPEN, "x");
        assert_eq!(dir, Path::new("work-items/open/x"));
        assert_eq!(
            gitkeep(&dir),
            Path::new("work-items/open/x/artifacts/.gitkeep")
        );
        assert_eq!(item(&dir), Path::new("work-items/open/x/item.md"));
        assert_eq!(search_dir(root), Path::new("work-items/.index/search"));
    }
}
