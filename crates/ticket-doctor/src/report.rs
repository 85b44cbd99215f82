//! The report a run returns, and the bounded sink rules write their findings into.
//!
//! Output is bounded while it is collected: at most `max_per_code` diagnostics of a code are kept,
//! then one summary in place of the rest, so a pathological tree cannot flood memory or a terminal.

use std::path::{Path, PathBuf};

use ticket_domain::{Diagnostic, Severity};

use crate::code::Code;

/// One repair a fix made; clients word it. The first four are the doctor's own; the others
/// are the repairs of a merge's leftovers that ticket-app's `doctor` makes before the check
/// (docs/sync.md, "Repair") and reports with them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fix {
    /// A missing status directory created, with an empty `.gitkeep`.
    StatusDirectory(PathBuf),
    /// A leftover temporary file removed.
    Leftover(PathBuf),
    /// A missing `artifacts/` created with an empty `.gitkeep` (the path is the `.gitkeep`'s).
    Artifacts(PathBuf),
    /// An empty `artifacts/` given an empty `.gitkeep` (its path).
    Gitkeep(PathBuf),
    /// A ticket found in several status directories (`from`) merged into one (`to`).
    MergedCopies {
        id: String,
        from: Vec<String>,
        to: String,
    },
    /// A ticket created with another's id renamed apart, from `old` to `new`.
    RenamedApart { old: String, new: String },
    /// What a merge did not keep recorded in the ticket's thread.
    RecordedLost { id: String },
}

/// What a run found and what it repaired.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// At most `max_per_code` per code, then one summary per flooded code: same code, message
    /// `... and N more <code> problem(s)`. Mirrors of `tickets.sh doctor` first, in its order.
    pub diagnostics: Vec<Diagnostic>,
    /// Each repair applied, in order.
    pub fixed: Vec<Fix>,
    hidden_errors: usize,
    hidden_warnings: usize,
}

impl Report {
    /// Error problems found, the summarised ones included (the shell's `N error(s)`).
    pub fn errors(&self) -> usize {
        self.count(Severity::Error) + self.hidden_errors
    }

    /// Warning problems found, the summarised ones included.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning) + self.hidden_warnings
    }

    /// No errors (warnings never fail a run).
    pub fn ok(&self) -> bool {
        self.errors() == 0
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity && !is_summary(d))
            .count()
    }

    pub(crate) fn from_sinks(sinks: Vec<Sink>, fixed: Vec<Fix>) -> Self {
        let mut report = Report {
            fixed,
            ..Report::default()
        };
        for sink in sinks {
            let (diagnostics, errors, warnings) = sink.finish();
            report.diagnostics.extend(diagnostics);
            report.hidden_errors += errors;
            report.hidden_warnings += warnings;
        }
        report
    }
}

const SUMMARY_PREFIX: &str = "... and ";

fn is_summary(d: &Diagnostic) -> bool {
    d.path.is_none() && d.line.is_none() && d.message.starts_with(SUMMARY_PREFIX)
}

/// Collects diagnostics, keeping at most `max` per code; or, as a buffer, keeps one ticket's
/// findings unbounded until they are appended to a bounded sink in ticket order.
#[derive(Debug)]
pub(crate) struct Sink {
    max: usize,
    items: Vec<Diagnostic>,
    /// A bounded sink's counts; `None` in a buffer, which stays small until it holds something.
    counts: Option<Box<Counts>>,
    /// A buffer's codes, one per item.
    codes: Vec<Code>,
}

/// Per code: how many were seen, and the index of its summary once it floods.
#[derive(Debug)]
struct Counts {
    seen: [usize; Code::ALL.len()],
    summary_at: [Option<usize>; Code::ALL.len()],
}

impl Sink {
    pub fn new(max: usize) -> Self {
        Self {
            max,
            items: Vec::new(),
            counts: Some(Box::new(Counts {
                seen: [0; Code::ALL.len()],
                summary_at: [None; Code::ALL.len()],
            })),
            codes: Vec::new(),
        }
    }

    /// A buffer for one ticket's findings (see [`Sink::append`]).
    pub fn buffer() -> Self {
        Self {
            max: usize::MAX,
            items: Vec::new(),
            counts: None,
            codes: Vec::new(),
        }
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Moves a buffer's findings into this sink, in order, as if pushed here.
    pub fn append(&mut self, buffer: Sink) {
        for (code, d) in buffer.codes.into_iter().zip(buffer.items) {
            self.keep(code, d);
        }
    }

    /// Records a finding with the code's own hint.
    pub fn push(&mut self, code: Code, path: &Path, line: Option<usize>, message: String) {
        self.push_hinted(code, path, line, message, code.hint().to_owned());
    }

    /// Records a finding with a hint of its own.
    pub fn push_hinted(
        &mut self,
        code: Code,
        path: &Path,
        line: Option<usize>,
        message: String,
        hint: String,
    ) {
        let d = Diagnostic {
            code: code.as_str().to_owned(),
            severity: code.severity(),
            path: Some(path.display().to_string()),
            line,
            message,
            hint,
        };
        self.keep(code, d);
    }

    fn keep(&mut self, code: Code, d: Diagnostic) {
        let Some(counts) = &mut self.counts else {
            self.codes.push(code);
            self.items.push(d);
            return;
        };
        let slot = code as usize;
        counts.seen[slot] += 1;
        if counts.seen[slot] <= self.max {
            self.items.push(d);
        } else if counts.summary_at[slot].is_none() {
            counts.summary_at[slot] = Some(self.items.len());
            self.items.push(Diagnostic {
                code: code.as_str().to_owned(),
                severity: code.severity(),
                path: None,
                line: None,
                message: String::new(),
                hint: format!(
                    "the first {} are listed; fix those and run the doctor again",
                    self.max
                ),
            });
        }
    }

    fn finish(mut self) -> (Vec<Diagnostic>, usize, usize) {
        let (mut errors, mut warnings) = (0, 0);
        let Some(counts) = self.counts else {
            return (self.items, 0, 0);
        };
        for code in Code::ALL {
            let slot = code as usize;
            if let Some(at) = counts.summary_at[slot] {
                let more = counts.seen[slot] - self.max;
                self.items[at].message = format!("{SUMMARY_PREFIX}{more} more {code} problem(s)");
                match code.severity() {
                    // The summary itself is not counted by `count`; these stand for it and the rest.
                    Severity::Error => errors += more,
                    Severity::Warning => warnings += more,
                }
            }
        }
        (self.items, errors, warnings)
    }
}
