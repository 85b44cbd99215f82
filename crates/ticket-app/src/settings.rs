//! The settings that come from the environment, read once and checked when used: writers check
//! the clock and the lock timeout, as `tickets.sh` does, so a reader never fails on them.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ticket_domain::{Clock, FixedClock, Timestamp};
use ticket_store_local::SystemClock;

use crate::error::AppError;

/// The lock wait when none is set, as for `tickets.sh`.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// Raw settings, as the environment gives them; [`Settings::from_env`] reads them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// `TICKETS_NOW`: fixes the clock (an RFC 3339 UTC time), for tests and replays.
    pub now: Option<String>,
    /// `TICKETS_LOCK_TIMEOUT`: seconds a writer waits for the root's lock (default 10).
    pub lock_timeout: Option<String>,
    /// `USER`: the default author of events.
    pub user: Option<String>,
    /// `WORK_ITEMS_DIR`: the root, when no other is given.
    pub work_items_dir: Option<PathBuf>,
    /// `TICKETS_HOLDER`: who claims when no holder is named (docs/claims.md).
    pub holder: Option<String>,
}

impl Settings {
    /// The settings of this process's environment; empty values count as unset.
    pub fn from_env() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self {
            now: var("TICKETS_NOW"),
            lock_timeout: var("TICKETS_LOCK_TIMEOUT"),
            user: var("USER"),
            work_items_dir: std::env::var_os("WORK_ITEMS_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            holder: var("TICKETS_HOLDER"),
        }
    }

    /// The clock writers use: fixed by `now`, else the system's. Collision suffixes are the
    /// process id either way, as `tickets.sh` makes them.
    pub fn clock(&self) -> Result<Arc<dyn Clock>, AppError> {
        match self.now.as_deref().filter(|n| !n.is_empty()) {
            Some(now) => {
                let at: Timestamp = now.parse().map_err(|e| AppError::Env {
                    var: "TICKETS_NOW",
                    reason: format!("{e}"),
                })?;
                Ok(Arc::new(FixedClock::new(
                    at,
                    std::process::id().to_string(),
                )))
            }
            None => Ok(Arc::new(SystemClock)),
        }
    }

    /// How long writers wait for the root's lock.
    pub fn lock_timeout(&self) -> Result<Duration, AppError> {
        match self.lock_timeout.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => s
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| AppError::Env {
                    var: "TICKETS_LOCK_TIMEOUT",
                    reason: format!("`{s}` is not a number of seconds"),
                }),
            None => Ok(DEFAULT_LOCK_TIMEOUT),
        }
    }

    /// The author of an event when none is given: the user, else `unknown`, as `tickets.sh`.
    pub fn author(&self, given: Option<String>) -> String {
        given
            .or_else(|| self.user.clone())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "unknown".into())
    }
}

/// This machine's name, for the default holder of a claim: the kernel's, else `/etc/hostname`,
/// else `$HOSTNAME`, else `localhost`.
pub(crate) fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "localhost".into())
}

/// This process's id, for the default holder of a claim.
pub(crate) fn process_id() -> u32 {
    std::process::id()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_table() {
        let s = |now: Option<&str>, timeout: Option<&str>| Settings {
            now: now.map(Into::into),
            lock_timeout: timeout.map(Into::into),
            ..Settings::default()
        };
        assert!(s(Some("2026-01-02T03:04:05Z"), None).clock().is_ok());
        assert!(matches!(
            s(Some("yesterday"), None).clock(),
            Err(AppError::Env {
                var: "TICKETS_NOW",
                ..
            })
        ));
        assert_eq!(
            s(None, Some("0.5")).lock_timeout().ok(),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            s(None, None).lock_timeout().ok(),
            Some(DEFAULT_LOCK_TIMEOUT)
        );
        for bad in ["-1", "NaN", "inf", "ten"] {
            assert!(s(None, Some(bad)).lock_timeout().is_err(), "{bad}");
        }
        let user = Settings {
            user: Some("ada".into()),
            ..Settings::default()
        };
        assert_eq!(user.author(None), "ada");
        assert_eq!(user.author(Some("bob".into())), "bob");
        assert_eq!(Settings::default().author(None), "unknown");
    }
}
