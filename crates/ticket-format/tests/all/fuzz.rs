//! Fuzzing of the parsers that read untrusted text: the frontmatter parser and the thread parser,
//! each followed by the codec. No input panics, and outputs stay within a small multiple of the
//! input (bounded memory).
//!
//! `PROPTEST_CASES` sets the cases per target (proptest's default, 256, in a plain `cargo test`;
//! `cargo xtask stress` runs 100,000). Each target prints `fuzz: <target>: N cases, ...`.

use proptest::prelude::*;
use ticket_format::codec;
use ticket_format::{frontmatter, thread};
use ticket_test_support::fuzz;

/// Text that looks a little like the format, so parsers get past their first line, mixed with
/// arbitrary characters (control characters, CR, non-ASCII).
fn formatish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("---\n".to_owned()),
        Just("---\r\n".to_owned()),
        Just("id: 20260101-000000-x\n".to_owned()),
        Just("title: \"a \\u00e9 \\x41 \\\"q\\\"\"\n".to_owned()),
        Just("title: 'it''s'\n".to_owned()),
        Just("labels: [a, \"b, c\", ]\n".to_owned()),
        Just("labels:\n  - a\n  - 'b'\n".to_owned()),
        Just("created_at: 2026-01-01T00:00:00Z\n".to_owned()),
        Just("status: open\n".to_owned()),
        Just("<!-- event: comment author: a b at: 2026-01-01T00:00:00Z -->\n".to_owned()),
        Just("<!-- event: review author: x at: 2026-01-01T00:00:00Z status: approve refs: url=a%2Cb -->\n".to_owned()),
        Just("\\\\<!-- event: quoted\n".to_owned()),
        Just("\n## Comment\n\n".to_owned()),
        Just("\n\n---\n\n".to_owned()),
        Just("<!-- event:".to_owned()),
        "[ -~]{0,40}\n?",
        any::<String>().prop_map(|s| s.chars().take(40).collect()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

#[test]
fn frontmatter_parser() {
    fuzz("frontmatter parser", formatish(), |text| {
        let Ok(fm) = frontmatter::parse(&text) else {
            return Ok(());
        };
        prop_assert!(fm.body_start <= text.len());
        let held: usize = fm
            .entries
            .iter()
            .map(|e| {
                e.key.len() + e.raw.len() + e.continuation.iter().map(String::len).sum::<usize>()
            })
            .sum();
        prop_assert!(
            held <= text.len(),
            "entries hold {held} bytes of {}",
            text.len()
        );
        for e in &fm.entries {
            let _ = (e.scalar(), e.list(), e.text(), e.shell_misread());
            prop_assert!(e.span.end <= text.len());
        }
        let _ = codec::summary(&fm);
        let rewritten = frontmatter::set_field(&text, &fm, "updated_at", "2026-01-01T00:00:00Z");
        prop_assert!(rewritten.len() <= text.len() + 64);
        prop_assert!(
            rewritten.ends_with(&text[fm.body_start..]),
            "the body is kept byte for byte"
        );
        Ok(())
    });
}

#[test]
fn thread_parser() {
    fuzz("thread parser", formatish(), |text| {
        let parsed = thread::parse(&text);
        let held = parsed.preamble.len()
            + parsed
                .events
                .iter()
                .map(|e| e.body.len() + e.heading.as_ref().map_or(0, String::len))
                .sum::<usize>();
        prop_assert!(
            held <= text.len(),
            "events hold {held} bytes of {}",
            text.len()
        );
        for raw in parsed.events {
            let _ = codec::event(raw);
        }
        Ok(())
    });
}
