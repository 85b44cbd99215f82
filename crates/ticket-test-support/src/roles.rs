//! The conformance of the use cases' ports (`ticket_domain::roles`): every method of
//! `Tickets`, `Leases` and `SearchSource`, checked the same way on every store that implements them.
//! [`run_roles`] runs each check on a fresh store and panics naming every one that failed.

use std::sync::Arc;

use crate::conformance::{run_checks, start_clock};

use ticket_domain::{
    BackendError, Change, Clock, FixedClock, Guard, Lease, LeaseRecord, NewEvent, NewTicket, Place,
    RelationKind, Rename, Resolution, SearchSource, StatusMove, Store, TicketId, TicketIdOrSlug,
    TicketStatus, Timestamp,
};

/// A named check of a store of type `S`.
type Check<S> = (&'static str, fn(&S, &FixedClock));

fn checks<S: Store + SearchSource>() -> Vec<Check<S>> {
    vec![
        ("places_read_back", places_read_back::<S>),
        ("slugs_have_holders", slugs_have_holders::<S>),
        ("graph_reaches_targets", graph_reaches_targets::<S>),
        ("catalog_derives_inverses", catalog_derives_inverses::<S>),
        ("leases_fence_writes", leases_fence_writes::<S>),
        ("renames_at_a_place", renames_at_a_place::<S>),
        (
            "search_source_stamps_texts",
            search_source_stamps_texts::<S>,
        ),
    ]
}

/// Runs every check of the roles on a fresh store from `make`.
pub fn run_roles<S: Store + SearchSource>(make: &dyn Fn(Arc<FixedClock>) -> S) {
    run_checks("role", &checks::<S>(), |check| {
        let clock = Arc::new(start_clock());
        check(&make(clock.clone()), &clock)
    });
}

fn q(s: &str) -> TicketIdOrSlug {
    TicketIdOrSlug::new(s).expect("query")
}

fn create<S: Store>(store: &S, title: &str, clock: &FixedClock) -> TicketId {
    clock.advance(1);
    store
        .create(NewTicket::new(title))
        .expect("created")
        .id
        .clone()
}

fn move_to<S: Store>(store: &S, id: &TicketId, to: TicketStatus) {
    store
        .apply(
            &q(id.as_str()),
            &Guard::none(),
            Change::SetStatus(StatusMove::new(to, "me")),
        )
        .expect("moved");
}

fn places_read_back<S: Store>(store: &S, clock: &FixedClock) {
    let id = create(store, "Places read back", clock);
    assert_eq!(store.now(), clock.now(), "now is the store's clock");
    let at = store.find(&q(id.as_str())).expect("found by id");
    assert_eq!(at.status, TicketStatus::Open);
    assert_eq!(store.find(&q("places-read-back")).expect("by slug"), at);
    let ticket = store.ticket_at(&at).expect("ticket at its place");
    assert_eq!(ticket.id, id);
    let summary = store.summary_at(&at).expect("summary at its place");
    assert_eq!(summary.title, "Places read back");
    assert_eq!(store.path_at(&at), store.path_of(&summary));
    let nowhere = Place {
        status: TicketStatus::Closed,
        name: id.to_string(),
    };
    let read = store.summaries_at(vec![&at, &nowhere]);
    assert!(
        matches!(&read[..], [Ok((s, path)), Err(_)] if s.id == id && *path == store.path_at(&at)),
        "summaries in order, the one not there an error: {read:?}"
    );
    move_to(store, &id, TicketStatus::Pending);
    let moved = store.find(&q(id.as_str())).expect("found after the move");
    assert_eq!(moved.status, TicketStatus::Pending);
    assert!(store.summary_at(&at).is_err(), "the old place is empty");
}

fn slugs_have_holders<S: Store>(store: &S, clock: &FixedClock) {
    let id = create(store, "Held slug", clock);
    assert_eq!(
        store.slug_holders("held-slug").expect("holders"),
        [id.to_string()]
    );
    assert!(store.slug_holders("free-slug").expect("holders").is_empty());
}

/// `a` depends on `b`, `b` on `c` (closed); `d` stands alone.
fn chain<S: Store>(store: &S, clock: &FixedClock) -> [TicketId; 4] {
    let [a, b, c, d] = ["A", "B", "C", "D"].map(|t| create(store, t, clock));
    for (from, to) in [(&a, &b), (&b, &c)] {
        store
            .apply(
                &q(from.as_str()),
                &Guard::none(),
                Change::Link {
                    kind: RelationKind::DependsOn,
                    target: to.clone(),
                    author: "me".into(),
                },
            )
            .expect("linked");
    }
    move_to(store, &c, TicketStatus::Closed);
    [a, b, c, d]
}

fn graph_reaches_targets<S: Store>(store: &S, clock: &FixedClock) {
    let [a, b, c, d] = chain(store, clock);
    let mut handed = Vec::new();
    let read = store
        .graph(&[TicketStatus::Open], &[], &mut |at, s| {
            handed.push((at.status.clone(), s.id.clone()));
        })
        .expect("graph");
    let open = |id: &TicketId| (TicketStatus::Open, id.clone());
    assert_eq!(
        handed,
        [open(&a), open(&b), open(&d)],
        "open ones, in order"
    );
    assert!(read.graph.contains(c.as_str()), "a target is reached");
    let seeded = store
        .graph(&[], std::slice::from_ref(&a), &mut |_, _| {})
        .expect("graph");
    for id in [&a, &b, &c] {
        assert!(seeded.graph.contains(id.as_str()), "{id} reached");
    }
    assert!(!seeded.graph.contains(d.as_str()), "nothing unreached");
    assert!(seeded.diagnostics.is_empty());
}

fn catalog_derives_inverses<S: Store>(store: &S, clock: &FixedClock) {
    let [a, b, _, _] = chain(store, clock);
    let (catalog, diagnostics) = store.catalog().expect("catalog");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let (inverses, reasons) = catalog.derive(b.as_str());
    assert_eq!(inverses.blocks, std::slice::from_ref(&a));
    assert_eq!(reasons, Some(Vec::new()), "b's dependency is closed: ready");
    let (_, reasons) = catalog.derive(a.as_str());
    assert_eq!(reasons.map(|r| r.len()), Some(1), "a waits for b");
}

fn leases_fence_writes<S: Store>(store: &S, clock: &FixedClock) {
    let id = create(store, "Leased", clock);
    assert_eq!(
        store.lease(id.as_str()).expect("read"),
        LeaseRecord::default()
    );
    let at: Timestamp = clock.now();
    let record = LeaseRecord {
        token: 3,
        lease: Some(Lease {
            holder: "pod".into(),
            token: 3,
            acquired: at,
            expires: at,
        }),
    };
    store
        .with_lease_lock(|txn| {
            assert_eq!(txn.read(id.as_str())?, LeaseRecord::default());
            txn.write(id.as_str(), &record)?;
            assert_eq!(
                txn.read(id.as_str())?,
                record,
                "a write reads back under the lock"
            );
            Ok::<_, BackendError>(())
        })
        .expect("written");
    assert_eq!(store.lease(id.as_str()).expect("read"), record);
    let all = store.all_leases().expect("all");
    assert_eq!(all.get(id.as_str()), Some(&record));
    assert_eq!(all.len(), 1);
    let write = |token| {
        store.apply(
            &q(id.as_str()),
            &Guard {
                token: Some(token),
                ..Guard::default()
            },
            Change::AppendEvent(NewEvent::new(
                ticket_domain::EventKind::Comment,
                "pod",
                "fenced\n",
            )),
        )
    };
    write(3).expect("the lease's token writes");
    assert!(
        matches!(write(4), Err(BackendError::LeaseLost { .. })),
        "another token is refused"
    );
}

/// `apply_at` reaches the ticket at a place, under the guard; a rename moves it to its new id
/// (its slug apart by the same suffix), records a `rename` event, and is refused onto an id
/// another ticket holds, to the id it has, and at a stale version, with nothing written.
fn renames_at_a_place<S: Store>(store: &S, clock: &FixedClock) {
    let id = create(store, "Renamed apart", clock);
    let other = create(store, "Holds an id", clock);
    let at = store.find(&q(id.as_str())).expect("found");
    let before = store.ticket_at(&at).expect("read");
    let rename = |to: &TicketId| {
        Change::Rename(Rename {
            to: to.clone(),
            author: "ticket merge".into(),
            reason: Some("Another ticket has its id.".into()),
        })
    };
    let new_id = TicketId::new(format!("{id}-abc123")).expect("id");
    let refusals: [(&str, Guard, Change); 3] = [
        ("onto another's id", Guard::none(), rename(&other)),
        ("to its own id", Guard::none(), rename(&id)),
        (
            "at a stale version",
            Guard::at(ticket_domain::Version::new("stale")),
            rename(&new_id),
        ),
    ];
    for (what, guard, change) in refusals {
        assert!(
            store.apply_at(&at, &guard, change).is_err(),
            "{what}: refused"
        );
        assert_eq!(
            store.ticket_at(&at).expect("still there").version,
            before.version,
            "{what}: nothing written"
        );
    }
    let after = store
        .apply_at(&at, &Guard::at(before.version.clone()), rename(&new_id))
        .expect("renamed");
    assert_eq!(after.id, new_id);
    assert_eq!(after.slug.as_str(), format!("{}-abc123", before.slug));
    let last = after.events.last().expect("an event");
    assert_eq!(last.kind, ticket_domain::EventKind::Rename);
    assert_eq!(
        last.body.as_str(),
        format!("from: {id}\nto: {new_id}\n\nAnother ticket has its id.\n")
    );
    assert!(
        store.ticket_at(&at).is_err(),
        "nothing is left at the old place"
    );
    let moved = store
        .find(&q(new_id.as_str()))
        .expect("found by its new id");
    assert_eq!(store.ticket_at(&moved).expect("read").events, after.events);
    let gone = Place {
        status: TicketStatus::Closed,
        name: new_id.to_string(),
    };
    assert!(
        matches!(
            store.apply_at(&gone, &Guard::none(), rename(&id)),
            Err(BackendError::NotFound { .. })
        ),
        "a place that holds no ticket"
    );
}

/// The search source lists every ticket once under a key its texts are read by, moves a
/// ticket's stamp when it is written, gives a closed ticket's resolution and nobody else's,
/// and answers `None` for a key it does not list.
fn search_source_stamps_texts<S: Store + SearchSource>(store: &S, clock: &FixedClock) {
    let id = create(store, "Searched for", clock);
    let other = create(store, "Closed one", clock);
    let listing = store.listing().expect("listed");
    assert_eq!(listing.tickets.len(), 2, "every ticket once: {listing:?}");
    let key_of = |listing: &ticket_domain::SourceListing, id: &TicketId| {
        let keys: Vec<_> = listing
            .tickets
            .iter()
            .filter(|t| {
                store
                    .texts(&t.key)
                    .expect("texts")
                    .is_some_and(|x| x.summary.id == *id)
            })
            .cloned()
            .collect();
        assert_eq!(keys.len(), 1, "{id} is listed once: {keys:?}");
        keys.into_iter().next().expect("one")
    };
    let before = key_of(&listing, &id);
    clock.advance(1);
    store
        .apply(
            &q(id.as_str()),
            &Guard::none(),
            Change::AppendEvent(NewEvent::new(
                ticket_domain::EventKind::Comment,
                "me",
                "a needle in the thread",
            )),
        )
        .expect("commented");
    let after = key_of(&store.listing().expect("listed"), &id);
    assert_eq!(after.key, before.key, "a comment does not move the key");
    assert_ne!(after.stamp, before.stamp, "a write moves the stamp");
    let texts = store.texts(&after.key).expect("read").expect("there");
    let shown = store.show(&q(id.as_str())).expect("shown");
    let at = store.find(&q(id.as_str())).expect("found");
    assert_eq!(
        texts.summary,
        store.summary_at(&at).expect("read"),
        "as stored"
    );
    assert_eq!(texts.body, shown.body.as_str());
    assert_eq!(texts.events, shown.events);
    assert_eq!(texts.resolution, None, "an open ticket has none");
    assert!(
        texts
            .events
            .iter()
            .any(|e| e.body.as_str().contains("needle")),
        "the comment is among the texts"
    );
    store
        .apply(
            &q(other.as_str()),
            &Guard::none(),
            Change::Close(Resolution {
                text: "Done with it.\n".into(),
                author: "me".into(),
            }),
        )
        .expect("closed");
    let closed = key_of(&store.listing().expect("listed"), &other);
    let texts = store.texts(&closed.key).expect("read").expect("there");
    assert_eq!(texts.resolution.as_deref(), Some("Done with it.\n"));
    for key in ["", "open", "open/nobody-here", "nowhere/x", "../open/x"] {
        assert!(
            store.texts(key).expect("asked").is_none(),
            "{key:?} names nothing"
        );
    }
}
