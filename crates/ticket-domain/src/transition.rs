//! State-transition rules: which status changes are allowed and what they do to a resolution.
//!
//! - A ticket can be moved to `open`, `pending` or `closed`, from any status, including an unknown
//!   one (that is how a hand-edited status is repaired). Moving an open or pending ticket to the
//!   status it has is allowed (it completes a move a crash cut short, or puts a directory back
//!   where its `status:` says) and only touches `updated_at`, as `tickets.sh` does.
//! - A closed ticket is never closed again, by `close` or by a move to `closed`: that would
//!   replace the record of how it was closed (its resolution) or say nothing at all. It is
//!   refused, saying to reopen it first.
//! - Only a closed ticket can be reopened (moved back to open by its own change).
//! - `close` needs a resolution: a non-empty text, written to the ticket's resolution and
//!   appended as a `close` event.
//! - `set_status(closed)` is what `tickets.sh status <q> closed` does: allowed, for scripts, but
//!   it leaves the ticket without a resolution; the plan says so and the doctor warns.
//! - Reopening a closed ticket keeps its resolution as the record of the earlier close (a later
//!   close replaces it); the thread keeps its `close` event. The doctor reports a resolution on a
//!   ticket that is not closed as a warning, not an error, for that reason.

use snafu::Snafu;

use crate::status::TicketStatus;

#[derive(Debug, Clone, PartialEq, Eq, Snafu)]
pub enum TransitionError {
    #[snafu(display("cannot move a ticket to `{to}`: use open, pending or closed"))]
    UnknownTarget { to: String },
    #[snafu(display("closing needs a resolution: give a non-empty text"))]
    EmptyResolution,
    #[snafu(display("{id} is already closed; reopen it first to close it again"))]
    AlreadyClosed { id: String },
    #[snafu(display("{id} is {status}, not closed; only a closed ticket can be reopened"))]
    NotClosed { id: String, status: String },
}

/// What a resolution becomes when a status change happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolutionEffect {
    /// Nothing to do (an open or pending ticket moving between those two).
    Untouched,
    /// `close`: the given resolution is written.
    Write,
    /// `set_status(closed)`: the ticket ends closed with whatever resolution it had, maybe none.
    ClosedWithoutNew,
    /// Reopening: the earlier resolution stays, as history.
    KeptAsHistory,
}

/// The outcome of checking a status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionPlan {
    pub from: TicketStatus,
    pub to: TicketStatus,
    pub resolution: ResolutionEffect,
}

impl TransitionPlan {
    pub fn moves(&self) -> bool {
        self.from != self.to
    }
}

/// Checks `set_status(to)` from `from` for the ticket `id`.
pub fn plan_set_status(
    id: &str,
    from: &TicketStatus,
    to: &TicketStatus,
) -> Result<TransitionPlan, TransitionError> {
    if !to.is_known() {
        return UnknownTargetSnafu { to: to.as_str() }.fail();
    }
    if *from == TicketStatus::Closed && *to == TicketStatus::Closed {
        return AlreadyClosedSnafu { id }.fail();
    }
    let resolution = match (from, to) {
        (_, TicketStatus::Closed) => ResolutionEffect::ClosedWithoutNew,
        (TicketStatus::Closed, _) => ResolutionEffect::KeptAsHistory,
        _ => ResolutionEffect::Untouched,
    };
    Ok(TransitionPlan {
        from: from.clone(),
        to: to.clone(),
        resolution,
    })
}

/// Checks `close(resolution)` from `from` for the ticket `id`.
pub fn plan_close(
    id: &str,
    from: &TicketStatus,
    resolution: &str,
) -> Result<TransitionPlan, TransitionError> {
    if *from == TicketStatus::Closed {
        return AlreadyClosedSnafu { id }.fail();
    }
    if resolution.trim().is_empty() {
        return EmptyResolutionSnafu.fail();
    }
    Ok(TransitionPlan {
        from: from.clone(),
        to: TicketStatus::Closed,
        resolution: ResolutionEffect::Write,
    })
}

/// Checks reopening the ticket `id` from `from`: only a closed ticket can be reopened.
pub fn plan_reopen(id: &str, from: &TicketStatus) -> Result<TransitionPlan, TransitionError> {
    if *from != TicketStatus::Closed {
        return NotClosedSnafu {
            id,
            status: from.as_str(),
        }
        .fail();
    }
    Ok(TransitionPlan {
        from: from.clone(),
        to: TicketStatus::Open,
        resolution: ResolutionEffect::KeptAsHistory,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use TicketStatus::*;

    #[test]
    fn set_status_table() {
        let other = Other("wip".into());
        let cases = [
            (Open, Pending, Some(ResolutionEffect::Untouched)),
            (Pending, Open, Some(ResolutionEffect::Untouched)),
            (Open, Open, Some(ResolutionEffect::Untouched)),
            (Open, Closed, Some(ResolutionEffect::ClosedWithoutNew)),
            (Closed, Open, Some(ResolutionEffect::KeptAsHistory)),
            (Closed, Pending, Some(ResolutionEffect::KeptAsHistory)),
            (other.clone(), Open, Some(ResolutionEffect::Untouched)),
            (Open, other, None),
            (Closed, Closed, None),
        ];
        for (from, to, want) in cases {
            let got = plan_set_status("t", &from, &to).ok().map(|p| p.resolution);
            assert_eq!(got, want, "{from} -> {to}");
        }
        assert!(!plan_set_status("t", &Open, &Open).expect("allowed").moves());
        assert_eq!(
            plan_set_status("t", &Closed, &Closed),
            Err(TransitionError::AlreadyClosed { id: "t".into() })
        );
    }

    #[test]
    fn closed_tickets_are_reopened_not_closed_again() {
        assert!(matches!(
            plan_close("t", &Closed, "Again.\n"),
            Err(TransitionError::AlreadyClosed { .. })
        ));
        let e = plan_close("t", &Closed, "x").expect_err("refused");
        assert_eq!(
            e.to_string(),
            "t is already closed; reopen it first to close it again"
        );
        assert_eq!(plan_reopen("t", &Closed).map(|p| p.to), Ok(Open));
        for from in [Open, Pending, Other("wip".into())] {
            let e = plan_reopen("t", &from).expect_err("only closed reopens");
            assert!(e.to_string().contains("only a closed ticket"), "{e}");
        }
    }

    #[test]
    fn close_needs_a_resolution() {
        assert_eq!(
            plan_close("t", &Open, " \n"),
            Err(TransitionError::EmptyResolution)
        );
        let plan = plan_close("t", &Pending, "Done.\n").expect("allowed");
        assert_eq!(
            (plan.to, plan.resolution),
            (Closed, ResolutionEffect::Write)
        );
    }
}
