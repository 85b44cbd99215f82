//! Queries on the real corpus whose hits were checked by hand, once, against `grep` and by
//! reading the tickets (docs/search.md, "Checked by hand"), and the index and the scan agreeing
//! on them.

use ticket_app::{SearchHow, SearchRequest, TicketStatus};

use crate::support::{Root, exactly, names, request, with_status};

/// `(query, status, event kind, the hits in rank order)`. Each list is every ticket holding
/// the words in a searched field (artifacts are not searched; `session logs` is not `session
/// log`: no stemming).
type Checked = (
    &'static str,
    Option<TicketStatus>,
    Option<&'static str>,
    &'static [&'static str],
);

const CHECKED: &[Checked] = &[
    (
        "handshake",
        None,
        None,
        &[
            "tui-peer-pod-handshake-command",
            "spawn-through-insomnia-pod-subcommand",
            "insomnia-pod-subcommand-runtime",
            "remove-insomnia-pod-command-env",
            "remove-insomnia-pod-binary",
            "single-binary-insomnia-cli",
        ],
    ),
    ("handshake", Some(TicketStatus::Open), None, &[]),
    (
        "永続化",
        None,
        None,
        &[
            "pod-scope-persistence-authority",
            "session-todo-reminder",
            "tui-composer-history-persistence",
            "compact-session-log-exploration",
            "auto-maintain-workflow",
            "pod-orchestration-system-guidance",
        ],
    ),
    (
        "永続化",
        None,
        Some("plan"),
        &["pod-orchestration-system-guidance"],
    ),
    (
        "再起動",
        None,
        None,
        &[
            "tui-composer-history-persistence",
            "e2e-harness",
            "tui-spawned-pod-panel",
        ],
    ),
    ("巻き戻し", None, None, &["pod-session-fork"]),
    (
        "重複",
        None,
        None,
        &[
            "pod-inbound-pod-event-dedup",
            "pod-scope-persistence-authority",
            "tui-pod-list-view-abstraction",
            "tui-keys-inline-viewport-ui",
            "tui-composer-history-persistence",
            "e2e-harness",
        ],
    ),
    ("dedup", None, None, &["pod-inbound-pod-event-dedup"]),
    (
        "dedup*",
        None,
        None,
        &["pod-inbound-pod-event-dedup", "dependency-license-audit"],
    ),
    (
        "rollback",
        None,
        Some("close"),
        &["manual-turn-rollback", "spawnpod-profile-tool-description"],
    ),
    (
        "DEDUP",
        Some(TicketStatus::Closed),
        None,
        &["pod-inbound-pod-event-dedup"],
    ),
];

/// More queries for the index-against-scan comparison.
const MORE: &[&str] = &[
    "\"session log\"",
    "pod scope",
    "pod:scope",
    "sandbox*",
    "compaction",
    "設計",
    "化",
    "lua profile",
    "\"fork the\"*",
    "nix flake",
    "review",
];

fn checked_request(row: &Checked) -> SearchRequest {
    let (query, status, kind, _) = row;
    SearchRequest {
        event_kind: kind.map(str::to_owned),
        ..match status.clone() {
            Some(s) => with_status(query, s),
            None => request(query),
        }
    }
}

#[test]
fn corpus_queries_find_the_tickets_checked_by_hand() {
    let Some(root) = Root::corpus() else { return };
    let mut wrong = Vec::new();
    for row in CHECKED {
        let found = root.search(checked_request(row));
        if names(&found) != row.3 {
            wrong.push(format!(
                "{:?} (status {:?}, event kind {:?}): got {:?}, checked {:?}",
                row.0,
                row.1,
                row.2,
                names(&found),
                row.3
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn index_and_scan_give_the_same_answers_on_the_corpus() {
    let Some(root) = Root::corpus() else { return };
    let mut requests: Vec<SearchRequest> = CHECKED.iter().map(checked_request).collect();
    requests.extend(MORE.iter().map(|q| request(q)));
    for r in requests {
        let indexed = root.search(r.clone());
        assert!(
            matches!(indexed.how, SearchHow::Index { .. }),
            "{:?}: {:?}",
            r.query,
            indexed.how
        );
        let scanned = root.search(SearchRequest {
            scan: true,
            ..r.clone()
        });
        assert_eq!(scanned.how, SearchHow::Scan { why: None });
        assert_eq!(exactly(&indexed), exactly(&scanned), "{:?}", r.query);
    }
}

#[test]
fn hits_name_their_field_and_show_a_snippet() {
    let Some(root) = Root::corpus() else { return };
    let found = root.search(request("巻き戻し"));
    let hit = &found.hits[0];
    assert_eq!(hit.status, "open");
    assert_eq!(hit.field.name(), "body");
    assert!(hit.snippet.contains("巻き戻し"), "{}", hit.snippet);
    assert!(!hit.snippet.contains('\n'));
    let found = root.search(request("rollback"));
    assert!(found.hits.iter().any(|h| h.field.name() == "event:close"));
}

#[test]
fn a_query_without_words_is_invalid() {
    let Some(root) = Root::corpus() else { return };
    let e = root.app().search(request("  !!! ")).expect_err("no words");
    assert_eq!(e.code(), ticket_app::ErrorCode::Invalid);
    assert!(e.to_string().contains("nothing to search for"), "{e}");
}
