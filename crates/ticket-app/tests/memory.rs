//! The use cases on the in-memory store, in process: claims, the ready queue, edits,
//! relations and search, with no file, no git and no process. What they show holds for every store that
//! passes the conformance suite, the local one included (its own tests run the same use cases
//! through the CLI).

use std::sync::Arc;

use ticket_app::{
    App, AppError, Assign, ClaimRequest, CommentRequest, CreateRequest, EditRequest, Guard,
    LinkRequest, ReadyClaimRequest, Reason, RelationKind, ReleaseRequest, RenewRequest, SearchHow,
    SearchRequest, Settings, UnlinkRequest,
};
use ticket_domain::{FixedClock, InMemoryBackend};

fn app() -> (App<InMemoryBackend>, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(
        "2026-03-04T05:06:07Z".parse().expect("time"),
        "77",
    ));
    let settings = Settings {
        user: Some("ada".into()),
        holder: Some("pod-1".into()),
        ..Settings::default()
    };
    (
        App::on(InMemoryBackend::new(clock.clone()), settings),
        clock,
    )
}

fn create(app: &App<InMemoryBackend>, title: &str, priority: &str) -> String {
    app.create(CreateRequest {
        title: title.into(),
        priority: Some(priority.into()),
        ..CreateRequest::default()
    })
    .expect("created")
    .ticket
    .id
    .to_string()
}

fn ready_ids(app: &App<InMemoryBackend>) -> Vec<String> {
    let queue = app.ready().expect("ready");
    queue.ready.iter().map(|q| q.id.to_string()).collect()
}

#[test]
fn claims_fence_writes_and_free_on_release() {
    let (app, clock) = app();
    let id = create(&app, "Fix the parser", "P1");
    let claimed = app
        .claim(ClaimRequest {
            query: id.clone(),
            ..ClaimRequest::default()
        })
        .expect("claimed");
    assert_eq!(claimed.lease.holder, "pod-1");
    let token = claimed.lease.token;
    // Another holder is refused while the lease lives.
    let other = app.claim(ClaimRequest {
        query: id.clone(),
        holder: Some("pod-2".into()),
        ..ClaimRequest::default()
    });
    assert!(matches!(other, Err(AppError::Claimed { .. })), "{other:?}");
    // The claim is an event, and shows as the ticket's claim and in ready's reasons.
    let shown = app.show_view(&id).expect("shown");
    assert!(
        shown
            .shown
            .ticket
            .events
            .iter()
            .any(|e| e.kind.as_str() == "claim"),
        "{:?}",
        shown.shown.ticket.events
    );
    assert_eq!(shown.claim.as_ref().map(|l| l.token), Some(token));
    assert!(ready_ids(&app).is_empty());
    // A write with the token passes; with another token it is refused and writes nothing.
    let comment = |token: u64| {
        app.comment(CommentRequest {
            query: id.clone(),
            role: "comment".into(),
            body: Some(format!("with {token}\n")),
            guard: Guard {
                token: Some(token),
                ..Guard::default()
            },
            ..CommentRequest::default()
        })
    };
    let before = comment(token).expect("fenced write passes").ticket.version;
    let lost = comment(token + 1);
    assert!(matches!(lost, Err(AppError::LeaseLost { .. })), "{lost:?}");
    assert_eq!(app.show(&id).expect("shown").ticket.version, before);
    // Renewal moves the expiry; release frees it, and the next claim gets a higher token.
    clock.advance(60);
    let renewed = app
        .renew(RenewRequest {
            query: id.clone(),
            token,
            ttl: None,
            remote: None,
        })
        .expect("renewed");
    assert!(renewed.lease.expires > claimed.lease.expires);
    app.release(ReleaseRequest {
        query: id.clone(),
        token,
        remote: None,
    })
    .expect("released");
    assert!(matches!(comment(token), Err(AppError::LeaseLost { .. })));
    let again = app
        .claim(ClaimRequest {
            query: id,
            holder: Some("pod-2".into()),
            ..ClaimRequest::default()
        })
        .expect("claimed again");
    assert!(again.lease.token > token);
}

#[test]
fn ready_orders_blocks_and_claims_the_best() {
    let (app, _) = app();
    let low = create(&app, "Low", "P3");
    let high = create(&app, "High", "P0");
    let dep = create(&app, "Dependency", "P2");
    assert_eq!(ready_ids(&app), [high.clone(), dep.clone(), low.clone()]);
    // `high` waits for `dep`: it leaves the ready ones, with the dependency as its reason.
    app.link(LinkRequest {
        query: high.clone(),
        kind: RelationKind::DependsOn,
        target: dep.clone(),
        allow_missing: false,
        author: None,
        guard: Guard::default(),
    })
    .expect("linked");
    assert_eq!(ready_ids(&app), [dep.clone(), low.clone()]);
    let queue = app.ready().expect("ready");
    let blocked = &queue.not_ready[0];
    assert_eq!(blocked.entry.id.as_str(), high);
    assert!(
        matches!(&blocked.reasons[..], [Reason::DependsOnOpen { .. }]),
        "{:?}",
        blocked.reasons
    );
    // The view reads each again, in the same order.
    let view = app.ready_view().expect("view");
    let ids: Vec<_> = view
        .ready
        .iter()
        .map(|e| e.summary.id.to_string())
        .collect();
    assert_eq!(ids, [dep.clone(), low.clone()]);
    // A claim takes the best ready one, and the next caller the one after.
    let first = app
        .ready_claim(ReadyClaimRequest::default())
        .expect("claimed");
    assert_eq!(first.id.as_str(), dep);
    let second = app
        .ready_claim(ReadyClaimRequest {
            holder: Some("pod-2".into()),
            ttl: None,
        })
        .expect("claimed");
    assert_eq!(second.id.as_str(), low);
    let none = app.ready_claim(ReadyClaimRequest {
        holder: Some("pod-3".into()),
        ttl: None,
    });
    assert!(
        matches!(none, Err(AppError::NothingReady { .. })),
        "{none:?}"
    );
}

#[test]
fn relations_refuse_cycles_and_unlink_restores() {
    let (app, _) = app();
    let a = create(&app, "A", "P1");
    let b = create(&app, "B", "P1");
    let link = |from: &str, to: &str| {
        app.link(LinkRequest {
            query: from.into(),
            kind: RelationKind::DependsOn,
            target: to.into(),
            allow_missing: false,
            author: None,
            guard: Guard::default(),
        })
    };
    link(&a, &b).expect("linked");
    let cycle = link(&b, &a);
    assert!(matches!(cycle, Err(AppError::Cycle { .. })), "{cycle:?}");
    let missing = link(&a, "no-such-ticket");
    assert!(
        matches!(missing, Err(AppError::MissingTarget { .. })),
        "{missing:?}"
    );
    // What `b` derives: `a` depends on it.
    let derived = app.show_view(&b).expect("shown").derived;
    let blocks: Vec<String> = derived
        .inverses
        .blocks
        .iter()
        .map(|t| t.to_string())
        .collect();
    assert_eq!(blocks, std::slice::from_ref(&a));
    app.unlink(UnlinkRequest {
        query: a.clone(),
        kind: RelationKind::DependsOn,
        target: b.clone(),
        author: None,
        guard: Guard::default(),
    })
    .expect("unlinked");
    assert_eq!(ready_ids(&app).len(), 2);
}

#[test]
fn edits_record_and_refuse_stale_versions() {
    let (app, _) = app();
    let id = create(&app, "Old title", "P2");
    let version = app.show(&id).expect("shown").ticket.version;
    let edited = app
        .edit(EditRequest {
            query: id.clone(),
            title: Some("New title".into()),
            assignee: Some(Assign::To("bob".into())),
            guard: Guard {
                if_version: Some(version.clone()),
                ..Guard::default()
            },
            ..EditRequest::default()
        })
        .expect("edited");
    assert_eq!(edited.ticket.title, "New title");
    assert_eq!(edited.ticket.assignee.as_deref(), Some("bob"));
    assert!(
        edited
            .ticket
            .events
            .iter()
            .any(|e| e.kind.as_str() == "edit")
    );
    // The version read before is stale now: refused, nothing written.
    let stale = app.edit(EditRequest {
        query: id.clone(),
        title: Some("Lost".into()),
        guard: Guard {
            if_version: Some(version),
            ..Guard::default()
        },
        ..EditRequest::default()
    });
    assert!(
        matches!(
            stale,
            Err(AppError::Backend {
                source: ticket_domain::BackendError::VersionConflict { .. }
            })
        ),
        "{stale:?}"
    );
    assert_eq!(app.show(&id).expect("shown").ticket.title, "New title");
    let nothing = app.edit(EditRequest {
        query: id,
        ..EditRequest::default()
    });
    assert!(nothing.is_err(), "an edit of nothing is refused");
}

#[test]
fn search_reads_every_write_of_a_store_without_an_index() {
    let (app, clock) = app();
    let cache = create(&app, "Cache the parsed frontmatter", "P1");
    let other = create(&app, "Unrelated chore", "P3");
    let hits = |query: &str| -> Vec<String> {
        let found = app
            .search(SearchRequest {
                query: query.into(),
                ..SearchRequest::default()
            })
            .expect("searched");
        assert!(
            matches!(found.how, SearchHow::Scan { .. }),
            "a store with no index is scanned: {:?}",
            found.how
        );
        found.hits.into_iter().map(|h| h.id).collect()
    };
    assert_eq!(hits("frontmatter"), vec![cache.clone()]);
    assert!(hits("invalidation").is_empty());
    // A comment written a moment later is found at once: no index to be stale.
    clock.advance(1);
    app.comment(CommentRequest {
        query: other.clone(),
        role: "comment".into(),
        body: Some("needs cache invalidation first\n".into()),
        ..CommentRequest::default()
    })
    .expect("commented");
    assert_eq!(hits("invalidation"), vec![other]);
}
