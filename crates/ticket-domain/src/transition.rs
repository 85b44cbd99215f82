//! State-transition rules: which status changes are allowed and what they do to a resolution.
//!
//! - A ticket can be moved to `open`, `pending` or `closed`, from any status, including an unknown
//!   one (that is how a hand-edited status is repaired). Moving to the status it has is allowed
//!   and only touches `updated_at`, as `tickets.sh` does.
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

/// Checks `set_status(to)` from `from`.
pub fn plan_set_status(
    from: &TicketStatus,
    to: &TicketStatus,
) -> Result<TransitionPlan, TransitionError> {
    if !to.is_known() {
        return UnknownTargetSnafu { to: to.as_str() }.fail();
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

/// Checks `close(resolution)` from `from`.
pub fn plan_close(
    from: &TicketStatus,
    resolution: &str,
) -> Result<TransitionPlan, TransitionError> {
    if resolution.trim().is_empty() {
        return EmptyResolutionSnafu.fail();
    }
    Ok(TransitionPlan {
        from: from.clone(),
        to: TicketStatus::Closed,
        resolution: ResolutionEffect::Write,
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
        ];
        for (from, to, want) in cases {
            let got = plan_set_status(&from, &to).ok().map(|p| p.resolution);
            assert_eq!(got, want, "{from} -> {to}");
        }
        assert!(!plan_set_status(&Open, &Open).expect("allowed").moves());
    }

    #[test]
    fn close_needs_a_resolution() {
        assert_eq!(
            plan_close(&Open, " \n"),
            Err(TransitionError::EmptyResolution)
        );
        let plan = plan_close(&Pending, "Done.\n").expect("allowed");
        assert_eq!(
            (plan.to, plan.resolution),
            (Closed, ResolutionEffect::Write)
        );
    }
}
