//! The ticket doctor: consistency rules over a `work-items/` root, returned as structured
//! diagnostics with stable codes (docs/doctor.md lists every rule).
//!
//! It mirrors the seven checks of `tickets.sh doctor` message for message and in the same order,
//! then adds its own: frontmatter and thread lines our reader would refuse, resolutions, leftover
//! temporary files, links out of the root, merge conflicts, and what the shell would misread.
//!
//! Architecture invariants:
//! - It reports; it never mutates anything unless the caller asks it to fix, and then only the
//!   unambiguous repairs of [`fix`](Options::fix) (create `artifacts/.gitkeep`, remove leftover
//!   temporary files), under the writers' lock and never through a link.
//! - It never prints and never panics: every input, however broken (non-UTF-8, huge, truncated,
//!   a FIFO named `item.md`), becomes a diagnostic. Its output is bounded by
//!   [`Options::max_per_code`].
//! - It reads each file once (module `scan`) and parses it once; the rules never touch the file
//!   system. A ticket's contents are checked as soon as they are read, on a few threads, and
//!   dropped: memory does not grow with the size of the tickets, only with their number.

mod code;
mod fix;
mod report;
mod rules;
mod scan;

use std::path::Path;
use std::time::Duration;

use ticket_domain::BackendError;

pub use code::Code;
pub use report::{Fix, Report};

/// How a run behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Apply the unambiguous repairs, then check again.
    pub fix: bool,
    /// Diagnostics kept per code before the rest are summarised in one.
    pub max_per_code: usize,
    /// How long a fix waits for the writers' lock (`<root>/.lock`) before the run fails with
    /// `BackendError::Locked`, as every writer does (the CLI passes `TICKETS_LOCK_TIMEOUT`).
    pub lock_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            fix: false,
            max_per_code: 20,
            lock_timeout: Duration::from_secs(10),
        }
    }
}

/// Checks the ticket root `root` (paths in diagnostics are `root.join(..)` as given).
///
/// Only a fix can fail: when the writers' lock cannot be taken (held past
/// [`Options::lock_timeout`]: `Locked`; `.lock` cannot be opened: `Storage`), nothing is
/// repaired and the error is returned instead of a report. A repair that fails once the lock
/// is held is a `fix-failed` warning in the report.
pub fn run(root: &Path, options: &Options) -> Result<Report, BackendError> {
    run_with_progress(root, options, &())
}

/// [`run`], telling `progress` how many tickets there are and each one checked.
pub fn run_with_progress(
    root: &Path,
    options: &Options,
    progress: &dyn ticket_domain::Progress,
) -> Result<Report, BackendError> {
    let scan = || {
        let mut found = rules::Found::default();
        let tree = scan::scan(root, rules::ticket, &mut found, progress);
        (tree, found)
    };
    let (mut tree, mut found) = scan();
    let mut fixed = Vec::new();
    let mut fix_problems = report::Sink::new(options.max_per_code);
    if options.fix {
        fixed = fix::apply(root, &tree, options.lock_timeout, &mut fix_problems)?;
        if !fixed.is_empty() {
            (tree, found) = scan();
        }
    }
    let [shell, ours] = rules::check(&tree, found, options.max_per_code);
    Ok(Report::from_sinks(vec![shell, ours, fix_problems], fixed))
}
