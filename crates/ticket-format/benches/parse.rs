//! Micro-benchmarks of the two parsers every read goes through, per ticket:
//! `cargo bench -p ticket-format --bench parse`. Figures go to docs/benchmarks.md.
//!
//! The fixtures are ours, shaped like a median ticket of the real corpus (about 320 bytes of
//! frontmatter, a 3 KB body, a thread of five events in 7 KB). When the corpus is present, the
//! `corpus_*` benchmarks parse all of its tickets, and their time divided by its ticket count is
//! the per-ticket figure on real data.

use divan::{Bencher, black_box};
use ticket_format::codec;
use ticket_format::{frontmatter, thread};

fn main() {
    divan::main();
}

fn item() -> String {
    let mut s = String::from(
        "---\nid: 20260527-000001-parser-fixture\nslug: parser-fixture\ntitle: \"Parser: a fixture, with a colon\"\nstatus: open\nkind: task\npriority: P2\nlabels: [parser, bench]\ncreated_at: 2026-05-27T00:00:01Z\nupdated_at: 2026-06-05T15:56:29Z\nassignee: null\nlegacy_ticket: null\n---\n\n",
    );
    while s.len() < 3300 {
        s.push_str("## Notes\n\nThe parser keeps every byte of the ticket; 設計 and ワーク stay as written.\n\n- one\n- two\n\n");
    }
    s
}

fn thread_text() -> String {
    let mut s = String::from(
        "<!-- event: create author: tickets.sh at: 2026-05-27T00:00:01Z -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n",
    );
    for (kind, extra) in [
        ("plan", ""),
        ("comment", ""),
        ("implementation_report", ""),
        ("review", " status: approve"),
    ] {
        s.push_str(&format!(
            "\n<!-- event: {kind} author: agent one at: 2026-06-01T10:00:00Z{extra} -->\n\n## {kind}\n\n"
        ));
        for _ in 0..20 {
            s.push_str("A line of an event body, with `code` and 日本語 in it.\n");
        }
        s.push_str("\n---\n");
    }
    s
}

#[divan::bench]
fn frontmatter_parse(b: Bencher) {
    let text = item();
    b.bench(|| frontmatter::parse(black_box(&text)).map(|fm| fm.entries.len()));
}

#[divan::bench]
fn frontmatter_to_summary(b: Bencher) {
    let text = item();
    b.bench(|| {
        let fm = frontmatter::parse(black_box(&text)).expect("fixture parses");
        codec::summary(&fm).map(|s| s.labels.len())
    });
}

#[divan::bench]
fn thread_parse(b: Bencher) {
    let text = thread_text();
    b.bench(|| thread::parse(black_box(&text)).events.len());
}

#[divan::bench]
fn thread_headers_only(b: Bencher) {
    let text = thread_text();
    b.bench(|| thread::header_lines(black_box(&text)).count());
}

#[divan::bench]
fn corpus_frontmatter_to_summary(b: Bencher) {
    let tickets = ticket_test_support::corpus_texts();
    b.counter(divan::counter::ItemsCount::new(tickets.len()))
        .bench(|| {
            tickets
                .iter()
                .filter_map(|(item, _)| frontmatter::parse(item).ok())
                .filter(|fm| codec::summary(fm).is_ok())
                .count()
        });
}

#[divan::bench]
fn corpus_thread_parse(b: Bencher) {
    let tickets = ticket_test_support::corpus_texts();
    b.counter(divan::counter::ItemsCount::new(tickets.len()))
        .bench(|| {
            tickets
                .iter()
                .map(|(_, t)| thread::parse(t).events.len())
                .sum::<usize>()
        });
}
