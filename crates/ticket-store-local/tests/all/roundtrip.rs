//! Property: whatever a writer is given, a reader gives back. Hostile titles, authors and bodies.

use proptest::prelude::*;
use ticket_domain::{
    EventKind, EventRef, Label, NewEvent, NewTicket, RefKind, TicketBackend, TicketBackendExt,
};

use crate::support::{backend, clock, q};

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("---".to_owned()),
        Just("\n---\n".to_owned()),
        Just("<!-- event: comment author: x at: 2026-01-01T00:00:00Z -->".to_owned()),
        Just("\\<!-- event:".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\n\n---\n\n".to_owned()),
        Just("## Heading".to_owned()),
        Just("   ".to_owned()),
        Just(": \"quoted\" 'single'".to_owned()),
        "\\PC{0,12}",
    ]
}

fn body() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..8).prop_map(|parts| parts.concat())
}

fn title() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9 ]{1,8}",
            Just(": ".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just("永続化".to_owned()),
            Just("\t".to_owned()),
            Just("null".to_owned()),
            Just("[x]".to_owned()),
            Just("#".to_owned()),
        ],
        1..6,
    )
    .prop_map(|p| p.concat())
    .prop_filter("a title has text", |t| !t.trim().is_empty())
}

fn author() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-z]{1,6}",
            Just(" ".to_owned()),
            Just(" at: 2026-01-01T00:00:00Z".to_owned()),
            Just(" status: approve".to_owned()),
            Just(" refs: commit=x".to_owned()),
            Just("ü".to_owned()),
        ],
        1..5,
    )
    .prop_map(|p| p.concat())
}

fn kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        Just(EventKind::Comment),
        Just(EventKind::Plan),
        Just(EventKind::Decision),
        Just(EventKind::ImplementationReport),
        "[a-z_]{1,10}".prop_map(|k| EventKind::parse(&k)),
    ]
}

fn refs() -> impl Strategy<Value = Vec<EventRef>> {
    prop::collection::vec(
        (
            "(file|branch|commit|url|pod)",
            "[a-zA-Z0-9:/?=&%,>.-]{1,20}",
        )
            .prop_map(|(k, v)| EventRef {
                kind: RefKind::parse(&k),
                value: v,
            }),
        0..3,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn written_tickets_read_back(
        title in title(),
        labels in prop::collection::vec("[a-z][a-z0-9-]{0,6}", 0..4),
        events in prop::collection::vec((kind(), author(), body(), refs()), 0..5),
    ) {
        let dir = tempfile::tempdir().expect("tmp");
        let b = backend(&dir.path().join("work-items"), clock());
        let mut new = NewTicket::new(title.clone());
        new.labels = labels.iter().map(|l| Label::new(l.clone()).expect("valid label")).collect();
        let id = b.create(new).expect("create").id.clone();
        for (kind, author, body, refs) in &events {
            let mut e = NewEvent::new(kind.clone(), author.clone(), body.clone());
            e.refs = refs.clone();
            b.add_event(&q(id.as_str()), e).expect("append");
        }
        let t = b.show(&q(id.as_str())).expect("show");
        prop_assert_eq!(&t.title, &title);
        let got: Vec<String> = t.labels.iter().map(|l| l.as_str().to_owned()).collect();
        prop_assert_eq!(got, labels);
        prop_assert_eq!(t.events.len(), events.len() + 1);
        for (read, (kind, author, body, refs)) in t.events[1..].iter().zip(&events) {
            prop_assert_eq!(&read.kind, kind);
            prop_assert_eq!(&read.author, author);
            prop_assert_eq!(read.body.as_str(), body.as_str());
            prop_assert_eq!(&read.refs, refs);
        }
    }
}
