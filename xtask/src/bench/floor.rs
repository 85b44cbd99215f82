//! The I/O floors the tools are measured against: plain loops of `read_dir` and `read`, one
//! thread, no parsing. Timed in-process beside the tools on every run, so they share its cache.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

const STATUS_DIRS: [&str; 3] = ["open", "pending", "closed"];

/// What a floor read, for the report: how many files and bytes.
pub struct Floor {
    pub took: Duration,
    pub files: usize,
    pub bytes: usize,
}

/// List floor: list the three status directories and read every `item.md` whole.
pub fn list(root: &Path) -> Floor {
    measure(root, |ticket, files, bytes| {
        if let Ok(b) = fs::read(ticket.join("item.md")) {
            *files += 1;
            *bytes += b.len();
        }
    })
}

/// Doctor floor: the list floor's directory reads, plus listing each ticket directory and
/// reading each of its regular files whole.
pub fn doctor(root: &Path) -> Floor {
    measure(root, |ticket, files, bytes| {
        let Ok(entries) = fs::read_dir(ticket) else {
            return;
        };
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_file())
                && let Ok(b) = fs::read(e.path())
            {
                *files += 1;
                *bytes += b.len();
            }
        }
    })
}

/// Stat floor: the list floor's directory reads, plus one `stat` of each file the search
/// indexes (`item.md`, `thread.md`, and `resolution.md` in `closed/`): what any check that a
/// derived index is still fresh must cost, since a file edited in place changes nothing else.
pub fn stat(root: &Path) -> Floor {
    measure(root, |ticket, files, _| {
        let closed = ticket.parent().is_some_and(|p| p.ends_with("closed"));
        let names: &[&str] = if closed {
            &["item.md", "thread.md", "resolution.md"]
        } else {
            &["item.md", "thread.md"]
        };
        for name in names {
            if fs::metadata(ticket.join(name)).is_ok() {
                *files += 1;
            }
        }
    })
}

/// Item stat floor: the list floor's directory reads, plus one `stat` of each `item.md`: what
/// any answer derived from every ticket's frontmatter (`--json show`'s inverse relations) must
/// cost to be sure no `item.md` changed, when it reads none of them.
pub fn item_stat(root: &Path) -> Floor {
    measure(root, |ticket, files, _| {
        if fs::metadata(ticket.join("item.md")).is_ok() {
            *files += 1;
        }
    })
}

fn measure(root: &Path, mut per_ticket: impl FnMut(&Path, &mut usize, &mut usize)) -> Floor {
    let (mut files, mut bytes) = (0, 0);
    let started = Instant::now();
    for status in STATUS_DIRS {
        let Ok(entries) = fs::read_dir(root.join(status)) else {
            continue;
        };
        for e in entries.flatten() {
            per_ticket(&e.path(), &mut files, &mut bytes);
        }
    }
    Floor {
        took: started.elapsed(),
        files,
        bytes,
    }
}
