//! What every backend does the same way: validating input, building a new ticket and the events
//! that mutations append. Backends only decide where the result is stored.

use crate::change::Version;
use crate::edit::check_assignee;
use crate::event::{EventKind, NewEvent, ReviewVerdict, TicketEvent, check_author, check_ref};
use crate::ids::{Slug, TicketId, slugify};
use crate::invalid::{Field, InvalidInput};
use crate::port::{BackendError, NewReview, NewTicket, Resolution};
use crate::status::TicketStatus;
use crate::ticket::{MarkdownText, Ticket, TicketSummary};
use crate::timestamp::Timestamp;
use crate::transition::plan_close;

/// The author writers name when they know no user (`$USER` unset), as `tickets.sh` does.
pub const UNKNOWN_AUTHOR: &str = "unknown";
/// The body of every `create` event (its author is the creator).
pub const CREATE_EVENT_BODY: &str = "Created by tickets.sh create.";
/// The body of a new ticket's item.md.
pub const NEW_TICKET_BODY: &str =
    "\n## Background\n\nCreated by tickets.sh.\n\n## Acceptance criteria\n\n- TBD\n";

/// Checks a new ticket and gives the slug it will have. Any non-empty title, kind and priority is
/// accepted (values with control characters are written quoted, docs/format.md); the author is
/// checked as every event's, the assignee is a one-line name, the body at most
/// [`MAX_BODY_BYTES`].
pub fn prepare_new(new: &NewTicket) -> Result<Slug, BackendError> {
    check_author(&new.author)?;
    if let Some(who) = &new.assignee {
        check_assignee(who)?;
    }
    if let Some(body) = &new.body {
        check_body_size(body.as_str().len())?;
    }
    for (field, value) in [
        (Field::Title, &new.title),
        (Field::Kind, &new.kind),
        (Field::Priority, &new.priority),
    ] {
        if value.is_empty() {
            return Err(InvalidInput::EmptyField { field }.into());
        }
    }
    for kind in crate::relation::RelationKind::ALL {
        let targets = new.relations.get(kind);
        if let Some((_, t)) = targets
            .iter()
            .enumerate()
            .find(|(i, t)| targets[..*i].contains(t))
        {
            return Err(InvalidInput::RelationTwice {
                kind,
                target: t.clone(),
            }
            .into());
        }
    }
    let slug = match &new.slug {
        Some(asked) => slugify(asked),
        None => title_slug(&new.title),
    };
    Ok(Slug::new(slug)?)
}

/// The longest slug a title gives: short enough for a terminal line and a path, long enough
/// to say what the ticket is.
pub const MAX_TITLE_SLUG: usize = 60;

/// The slug of a title: slugified as `tickets.sh` does, and when that is longer than
/// [`MAX_TITLE_SLUG`], cut at the last word boundary within it (a single long word is cut
/// where the bound falls). The title itself is kept whole.
pub fn title_slug(title: &str) -> String {
    let slug = slugify(title);
    if slug.len() <= MAX_TITLE_SLUG {
        return slug;
    }
    // The slug is ASCII, so every byte index is a character boundary.
    let head = &slug[..MAX_TITLE_SLUG];
    let cut = match slug.as_bytes()[MAX_TITLE_SLUG] {
        b'-' => head,
        _ => head.rsplit_once('-').map_or(head, |(words, _)| words),
    };
    cut.to_owned()
}

/// The summary of a ticket created at `now`.
pub fn new_summary(id: TicketId, slug: Slug, new: NewTicket, now: Timestamp) -> TicketSummary {
    TicketSummary {
        id,
        slug,
        title: new.title,
        status: TicketStatus::Open,
        kind: new.kind,
        priority: new.priority,
        labels: new.labels,
        created_at: now,
        updated_at: now,
        assignee: new.assignee,
        legacy_ticket: None,
        meta: new.meta,
        relations: new.relations,
        extra: Vec::new(),
    }
}

/// The whole ticket a create of `new` at `now` produces: its body (the template when `new` has
/// none) and a thread of its `create` event, by its author.
pub fn new_ticket(id: TicketId, slug: Slug, new: NewTicket, now: Timestamp) -> Ticket {
    let body = new
        .body
        .clone()
        .unwrap_or_else(|| MarkdownText::from(NEW_TICKET_BODY));
    let author = new.author.clone();
    Ticket {
        summary: new_summary(id, slug, new, now),
        body,
        events: vec![create_event(now, author)],
        resolution: None,
        artifacts: Vec::new(),
        version: Version::default(),
    }
}

/// The `create` event every new thread starts with, naming who created the ticket.
pub fn create_event(at: Timestamp, author: impl Into<String>) -> TicketEvent {
    TicketEvent {
        kind: EventKind::Create,
        author: author.into(),
        at,
        status: None,
        heading: Some("Created".into()),
        body: MarkdownText::from(CREATE_EVENT_BODY),
        refs: Vec::new(),
    }
}

/// The most bytes an event body or a resolution may hold: 1 MiB. Bodies are text for people;
/// a log or a dump belongs in the ticket's `artifacts/`. Without a bound, one careless
/// `--file` would make a thread no reader (nor the doctor, which reads 64 MiB) can open.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Refuses a body larger than [`MAX_BODY_BYTES`], saying what to do instead.
pub fn check_body_size(len: usize) -> Result<(), BackendError> {
    if len > MAX_BODY_BYTES {
        return Err(InvalidInput::BodyTooLarge {
            max: MAX_BODY_BYTES,
        }
        .into());
    }
    Ok(())
}

/// The event `add_event` appends at `at`.
pub fn event_to_append(new: NewEvent, at: Timestamp) -> Result<TicketEvent, BackendError> {
    check_body_size(new.body.as_str().len())?;
    new.kind.validate()?;
    check_author(&new.author)?;
    for r in &new.refs {
        check_ref(r)?;
    }
    Ok(TicketEvent {
        heading: Some(comment_heading(&new.kind)),
        kind: new.kind,
        author: new.author,
        at,
        status: None,
        body: new.body,
        refs: new.refs,
    })
}

/// The heading `comment --role` gives: the four comment roles have their own, any other role is
/// its own heading (so `--role review` is headed `review`, as `tickets.sh` writes it).
pub fn comment_heading(kind: &EventKind) -> String {
    match kind {
        EventKind::Comment
        | EventKind::Plan
        | EventKind::Decision
        | EventKind::ImplementationReport
        | EventKind::Claim
        | EventKind::Release => kind.heading(&ReviewVerdict::None),
        other => other.as_str().to_owned(),
    }
}

/// The event `review` appends: only approve and request_changes are verdicts one can give.
pub fn review_event(review: NewReview, at: Timestamp) -> Result<TicketEvent, BackendError> {
    if !matches!(
        review.verdict,
        ReviewVerdict::Approve | ReviewVerdict::RequestChanges
    ) {
        return Err(InvalidInput::NoVerdict.into());
    }
    check_author(&review.author)?;
    check_body_size(review.body.as_str().len())?;
    Ok(TicketEvent {
        kind: EventKind::Review,
        heading: Some(EventKind::Review.heading(&review.verdict)),
        status: Some(review.verdict.as_str().to_owned()),
        author: review.author,
        at,
        body: review.body,
        refs: Vec::new(),
    })
}

/// The event a `link` (or, with `linked` false, an `unlink`) appends: the kind in the header's
/// `status:`, the target as a `ticket` reference, and `<kind>: <target>` as its body.
pub fn link_event(
    linked: bool,
    kind: crate::relation::RelationKind,
    target: &TicketId,
    author: String,
    at: Timestamp,
) -> Result<TicketEvent, BackendError> {
    check_author(&author)?;
    let event_kind = if linked {
        EventKind::Link
    } else {
        EventKind::Unlink
    };
    Ok(TicketEvent {
        heading: Some(event_kind.heading(&ReviewVerdict::None)),
        kind: event_kind,
        author,
        at,
        status: Some(kind.as_str().to_owned()),
        body: MarkdownText::new(format!("{kind}: {target}\n")),
        refs: vec![crate::event::EventRef {
            kind: crate::event::RefKind::Ticket,
            value: target.to_string(),
        }],
    })
}

/// The event `close` appends to the ticket `id`, after checking the transition.
pub fn close_event(
    id: &str,
    from: &TicketStatus,
    resolution: Resolution,
    at: Timestamp,
) -> Result<TicketEvent, BackendError> {
    plan_close(id, from, resolution.text.as_str())?;
    check_author(&resolution.author)?;
    check_body_size(resolution.text.as_str().len())?;
    Ok(TicketEvent {
        kind: EventKind::Close,
        heading: Some("Closed".into()),
        status: Some("closed".into()),
        author: resolution.author,
        at,
        body: resolution.text,
        refs: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_title_gives_a_slug_cut_at_a_word_boundary() {
        let sixty = "a".repeat(60);
        for (title, slug) in [
            ("Fix the parser", "fix-the-parser".to_owned()),
            (
                "Make the cache of parsed frontmatter survive a restart of the daemon without loss",
                "make-the-cache-of-parsed-frontmatter-survive-a-restart-of".to_owned(),
            ),
            (
                &"word ".repeat(40),
                "word-".repeat(12).trim_end_matches('-').to_owned(),
            ),
            (&"a".repeat(10_000), sixty.clone()),
            (&format!("{sixty} tail"), sixty.clone()),
            (&format!("{sixty}b tail"), sixty.clone()),
            ("永続化", "item".to_owned()),
        ] {
            let got = title_slug(title);
            assert_eq!(got, slug, "{title:?}");
            assert!(got.len() <= MAX_TITLE_SLUG && !got.ends_with('-'), "{got}");
        }
    }
}
