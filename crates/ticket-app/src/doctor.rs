//! `doctor`: the consistency rules over the root, and the unambiguous repairs when asked.

use ticket_doctor::{Fix, Options, Report};
use ticket_domain::{Diagnostic, Progress};

use crate::App;
use crate::error::AppError;

/// A doctor run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DoctorRequest {
    /// Apply the unambiguous repairs (a writer: it takes the root's lock).
    pub fix: bool,
}

impl App {
    pub fn doctor(&self, request: DoctorRequest) -> Result<Report, AppError> {
        self.doctor_with_progress(request, &())
    }

    /// [`doctor`](Self::doctor), telling `progress` how far the check got.
    pub fn doctor_with_progress(
        &self,
        request: DoctorRequest,
        progress: &dyn Progress,
    ) -> Result<Report, AppError> {
        // Only a fix writes: only then is the lock timeout a setting that must be valid.
        let lock_timeout = if request.fix {
            self.settings.lock_timeout()?
        } else {
            crate::settings::DEFAULT_LOCK_TIMEOUT
        };
        let options = Options {
            fix: request.fix,
            lock_timeout,
            ..Options::default()
        };
        // A merge's leftovers (one ticket in two status directories, notes of values a merge
        // did not keep) are repaired first, so the check sees the result.
        let mut repaired = Vec::new();
        if request.fix && self.root.is_dir() {
            let r = self.repair()?;
            for (id, from, to) in r.merged {
                repaired.push(Fix::MergedCopies { id, from, to });
            }
            for (old, new) in r.renamed {
                repaired.push(Fix::RenamedApart { old, new });
            }
            for id in r.recorded {
                repaired.push(Fix::RecordedLost { id });
            }
        }
        let mut report = ticket_doctor::run_with_progress(&self.root, &options, progress)?;
        repaired.append(&mut report.fixed);
        report.fixed = repaired;
        if ticket_store_local::in_git::routes_to_drivers(&self.root)
            && let Ok(Some(repo)) = crate::init::repo_of(&self.root)
            && let Ok(false) = crate::init::drivers_configured(&repo)
        {
            let code = ticket_doctor::Code::MergeDriverMissing;
            report.diagnostics.push(Diagnostic {
                code: code.as_str().to_owned(),
                severity: code.severity(),
                path: Some(repo.common_dir.join("config").to_string()),
                line: None,
                message: format!(
                    "the merge drivers of thread.md and item.md are not configured in this clone ({})",
                    repo.common_dir.join("config")
                ),
                hint: code.hint().to_owned(),
            });
        }
        Ok(report)
    }
}
