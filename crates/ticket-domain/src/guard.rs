//! [`Guard`]: what a write requires of the ticket it changes, checked by the backend in its one
//! mutation path, under the lock its write holds, against the ticket it has just read.
//!
//! Every write to an existing ticket carries one (an empty one asks nothing), so a client cannot
//! make a write that skips the checks a caller asked for: [`TicketBackend::apply`] takes it, and
//! every use case's request holds one.
//!
//! [`TicketBackend::apply`]: crate::TicketBackend::apply

use crate::change::{Version, check_version};
use crate::claim::{LeaseRecord, Refusal, check_token};
use crate::port::BackendError;

/// The conditions of a write: the ticket is still at `if_version` (compare-and-swap), and
/// `token` is still the token of its lease (fencing, docs/claims.md). An absent condition is not
/// checked; the default guard checks nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Guard {
    /// Refuse the write unless the ticket is still at this version.
    pub if_version: Option<Version>,
    /// Refuse the write unless this is the token of the ticket's lease.
    pub token: Option<u64>,
}

impl Guard {
    /// A guard that checks nothing: the write is unconditional.
    pub fn none() -> Self {
        Self::default()
    }

    /// Only if the ticket is still at `version`.
    pub fn at(version: Version) -> Self {
        Self {
            if_version: Some(version),
            token: None,
        }
    }

    /// Only while `token` holds the ticket's lease.
    pub fn holding(token: u64) -> Self {
        Self {
            if_version: None,
            token: Some(token),
        }
    }

    /// Checks the guard of a write to ticket `id`, which is at `actual`: the token first (a
    /// writer that lost its lease learns that, whatever the version), then the version. `lease`
    /// reads the ticket's lease record, and is called only when the guard carries a token; the
    /// backend calls this holding the lock of its write, and the lease store's lock when a
    /// token is checked, so nothing changes between the check and the write.
    pub fn check(
        &self,
        id: &str,
        actual: &Version,
        lease: impl FnOnce() -> Result<LeaseRecord, BackendError>,
    ) -> Result<(), BackendError> {
        if let Some(token) = self.token {
            let record = lease()?;
            check_token(&record, token).map_err(|refusal| lost(id, refusal))?;
        }
        check_version(id, self.if_version.as_ref(), actual)
    }
}

/// A token refusal as the port's error. `check_token` only ever refuses with `Lost`.
fn lost(id: &str, refusal: Refusal) -> BackendError {
    let (token, current) = match refusal {
        Refusal::Lost { token, current } => (token, current),
        Refusal::Held(lease) => (lease.token, Some(lease)),
    };
    BackendError::LeaseLost {
        id: id.to_owned(),
        token,
        current: current.map(Box::new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Lease;
    use crate::timestamp::Timestamp;

    fn record(token: u64, live: bool) -> LeaseRecord {
        let at = Timestamp::from_unix(1_800_000_000).expect("time");
        LeaseRecord {
            token,
            lease: live.then(|| Lease {
                holder: "a".into(),
                token,
                acquired: at,
                expires: at,
            }),
        }
    }

    #[test]
    fn guards_refuse_what_they_name() {
        let v1 = Version::new("v1");
        let stale = Some(Version::new("v0"));
        // (guard, the lease record, what the check answers)
        let cases: &[(Guard, LeaseRecord, &str)] = &[
            (Guard::none(), record(0, false), "ok"),
            (Guard::at(v1.clone()), record(0, false), "ok"),
            (
                Guard {
                    if_version: stale.clone(),
                    token: None,
                },
                record(0, false),
                "version",
            ),
            (Guard::holding(2), record(2, true), "ok"),
            (Guard::holding(1), record(2, true), "lease"),
            (Guard::holding(2), record(2, false), "lease"),
            (Guard::holding(1), record(0, false), "lease"),
            // A lost token is reported before a stale version.
            (
                Guard {
                    if_version: stale,
                    token: Some(1),
                },
                record(2, true),
                "lease",
            ),
        ];
        for (guard, lease, want) in cases {
            let got = match guard.check("t1", &v1, || Ok(lease.clone())) {
                Ok(()) => "ok",
                Err(BackendError::VersionConflict { .. }) => "version",
                Err(BackendError::LeaseLost { id, .. }) if id == "t1" => "lease",
                Err(e) => panic!("{guard:?}: {e}"),
            };
            assert_eq!(got, *want, "{guard:?} over {lease:?}");
        }
    }

    #[test]
    fn the_lease_is_read_only_for_a_token() {
        let v1 = Version::new("v1");
        let refused = || Err(BackendError::NotFound { query: "x".into() });
        assert!(Guard::at(v1.clone()).check("t1", &v1, refused).is_ok());
        assert!(Guard::holding(1).check("t1", &v1, refused).is_err());
    }
}
