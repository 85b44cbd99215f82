//! Every real ticket reads with all its fields and every event, and reading changes no byte.

use ticket_domain::{ListFilter, TicketBackend};

use crate::support::{backend, clock, corpus, q, snapshot};

#[test]
fn every_real_ticket_reads_whole_and_unchanged() {
    let Some(root) = corpus() else { return };
    let before = snapshot(&root);
    let b = backend(&root, clock());
    let listing = b.list(&ListFilter::default()).expect("list");
    assert!(listing.diagnostics.is_empty(), "{:#?}", listing.diagnostics);
    assert_eq!(listing.tickets.len(), 112);
    let mut headers_total = 0;
    let mut authors = std::collections::BTreeSet::new();
    for summary in &listing.tickets {
        let t = b.show(&q(summary.id.as_str())).expect("show");
        assert_eq!(&t.summary.id, &summary.id);
        assert!(!t.title.is_empty() && !t.kind.is_empty() && !t.priority.is_empty());
        let dir = b.locate(&q(summary.id.as_str())).expect("locate").dir;
        let thread = std::fs::read_to_string(dir.join("thread.md")).expect("thread");
        let headers = thread
            .lines()
            .filter(|l| l.starts_with("<!-- event:"))
            .count();
        assert_eq!(
            t.events.len(),
            headers,
            "{}: one event per header",
            summary.id
        );
        headers_total += headers;
        authors.extend(t.events.iter().map(|e| e.author.clone()));
        assert_eq!(
            t.status.as_str(),
            dir.parent()
                .and_then(|p| p.file_name())
                .and_then(|n| n.to_str())
                .expect("status dir")
        );
        if t.status.as_str() == "closed" && dir.join("resolution.md").exists() {
            assert!(t.resolution.is_some());
        }
    }
    assert_eq!(headers_total, 394);
    assert!(
        authors.contains("yoi ticket"),
        "authors with spaces read whole: {authors:?}"
    );
    assert!(b.doctor().expect("doctor").is_empty());
    assert_eq!(snapshot(&root), before, "reading changed bytes");
}
