//! Who must act next on a ticket, set by hand or derived from its thread.

use crate::event::{EventKind, ReviewVerdict, TicketEvent};
use crate::status::TicketStatus;
use crate::vocab::open_vocabulary;

open_vocabulary! {
    /// Whose move it is.
    pub enum ActionRequired {
        /// Nobody is waiting on anybody.
        None = "none",
        /// The last review requested changes: the implementer acts next.
        Implementer = "implementer",
        /// An implementation report has no review after it: a reviewer acts next.
        Reviewer = "reviewer",
        /// Someone set it by hand: a person must decide.
        Human = "human",
    }
}

/// Derives who must act from the status and thread, unless `explicit` (frontmatter) says so.
///
/// Only pending tickets wait on someone: the last review or implementation report decides. A
/// review that requested changes wants the implementer; an implementation report with no review
/// after it wants a reviewer; an approval, or neither event, wants nobody.
pub fn derive_action_required(
    status: &TicketStatus,
    events: &[TicketEvent],
    explicit: Option<&ActionRequired>,
) -> ActionRequired {
    if let Some(explicit) = explicit {
        return explicit.clone();
    }
    if *status != TicketStatus::Pending {
        return ActionRequired::None;
    }
    let last = events
        .iter()
        .rev()
        .find(|e| matches!(e.kind, EventKind::Review | EventKind::ImplementationReport));
    match last {
        Some(e) if e.kind == EventKind::ImplementationReport => ActionRequired::Reviewer,
        Some(e) if e.verdict() == Some(ReviewVerdict::RequestChanges) => {
            ActionRequired::Implementer
        }
        _ => ActionRequired::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::MarkdownText;

    fn ev(kind: &str, status: Option<&str>) -> TicketEvent {
        TicketEvent {
            kind: EventKind::parse(kind),
            author: "a".into(),
            at: crate::Timestamp::from_unix(0).expect("epoch"),
            status: status.map(str::to_owned),
            heading: None,
            body: MarkdownText::default(),
            refs: vec![],
        }
    }

    #[test]
    fn derivation_table() {
        use ActionRequired as A;
        let pending = TicketStatus::Pending;
        type Thread<'a> = &'a [(&'a str, Option<&'a str>)];
        let cases: &[(Thread, A)] = &[
            (&[], A::None),
            (&[("create", None), ("plan", None)], A::None),
            (&[("implementation_report", None)], A::Reviewer),
            (
                &[("implementation_report", None), ("comment", None)],
                A::Reviewer,
            ),
            (
                &[
                    ("implementation_report", None),
                    ("review", Some("request_changes")),
                ],
                A::Implementer,
            ),
            (
                &[
                    ("review", Some("request_changes")),
                    ("implementation_report", None),
                ],
                A::Reviewer,
            ),
            (
                &[("implementation_report", None), ("review", Some("approve"))],
                A::None,
            ),
            (
                &[("implementation_report", None), ("review", None)],
                A::None,
            ),
        ];
        for (events, want) in cases {
            let events: Vec<_> = events.iter().map(|(k, s)| ev(k, *s)).collect();
            assert_eq!(
                &derive_action_required(&pending, &events, None),
                want,
                "{events:?}"
            );
        }
        let report = [ev("implementation_report", None)];
        assert_eq!(
            derive_action_required(&TicketStatus::Open, &report, None),
            A::None
        );
        assert_eq!(
            derive_action_required(&pending, &report, Some(&A::Human)),
            A::Human
        );
    }
}
