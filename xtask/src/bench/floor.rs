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
