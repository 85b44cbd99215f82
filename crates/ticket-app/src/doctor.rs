//! `doctor`: the consistency rules over the root, and the unambiguous repairs when asked.

use ticket_doctor::{Options, Report};
use ticket_domain::Progress;

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
        Ok(ticket_doctor::run_with_progress(
            &self.root, &options, progress,
        )?)
    }
}
