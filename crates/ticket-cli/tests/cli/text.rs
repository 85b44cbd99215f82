//! Every command that writes a text takes it the same three ways (docs/cli.md, "Texts"):
//! `--body TEXT` or `-m TEXT` (a line break is added), `--file PATH` (`-` for standard input),
//! or standard input when it is not a terminal. Each way gives the same bytes.

use crate::support::ticket;

/// Each command that writes a text, and the file the text lands in.
const COMMANDS: &[(&[&str], &str)] = &[
    (&["comment", "t"], "thread.md"),
    (&["comment", "t", "--role", "plan"], "thread.md"),
    (&["comment", "t", "--role", "decision"], "thread.md"),
    (&["review", "t", "--approve"], "thread.md"),
    (&["close", "t"], "resolution.md"),
];

/// The ways to give the text `Shipped in abc123.`, each as (flags, standard input).
fn ways(file: &str) -> Vec<(Vec<String>, Option<&'static str>)> {
    vec![
        (vec!["-m".into(), "Shipped in abc123.".into()], None),
        (vec!["--body".into(), "Shipped in abc123.".into()], None),
        (vec!["--file".into(), file.into()], None),
        (
            vec!["--file".into(), "-".into()],
            Some("Shipped in abc123.\n"),
        ),
        (vec![], Some("Shipped in abc123.\n")),
    ]
}

#[test]
fn every_text_is_given_the_same_three_ways() {
    for (command, lands_in) in COMMANDS {
        let mut landed = Vec::new();
        for (flags, stdin) in ways("text.md") {
            let dir = tempfile::tempdir().expect("scratch");
            let d = dir.path();
            std::fs::write(d.join("text.md"), "Shipped in abc123.\n").expect("text");
            ticket(d)
                .args(["create", "--title", "T", "--slug", "t"])
                .env("TICKETS_NOW", "2026-01-01T00:00:00Z")
                .assert()
                .success();
            let mut run = ticket(d);
            run.args(*command).args(&flags);
            run.env("TICKETS_NOW", "2026-01-01T00:00:01Z");
            if let Some(input) = stdin {
                run.write_stdin(input);
            }
            let out = run.output().expect("run");
            assert!(out.status.success(), "{command:?} {flags:?}: {out:?}");
            let status = if lands_in == &"resolution.md" {
                "closed"
            } else {
                "open"
            };
            let path = d
                .join("work-items")
                .join(status)
                .join("20260101-000000-t")
                .join(lands_in);
            let text = std::fs::read_to_string(&path).expect("landed");
            assert!(
                text.contains("Shipped in abc123.\n"),
                "{command:?} {flags:?}: {text}"
            );
            landed.push((flags, text));
        }
        let first = &landed[0].1;
        for (flags, text) in &landed {
            assert_eq!(text, first, "{command:?} {flags:?} gives other bytes");
        }
    }
}

#[test]
fn create_takes_its_body_the_same_three_ways() {
    let mut bodies = Vec::new();
    for (flags, stdin) in ways("text.md") {
        let dir = tempfile::tempdir().expect("scratch");
        let d = dir.path();
        std::fs::write(d.join("text.md"), "Shipped in abc123.\n").expect("text");
        let mut run = ticket(d);
        run.args(["create", "--title", "T", "--slug", "t"])
            .args(&flags);
        run.env("TICKETS_NOW", "2026-01-01T00:00:00Z");
        if let Some(input) = stdin {
            run.write_stdin(input);
        }
        let out = run.output().expect("run");
        assert!(out.status.success(), "{flags:?}: {out:?}");
        let item = std::fs::read_to_string(d.join("work-items/open/20260101-000000-t/item.md"))
            .expect("item");
        let body = item
            .split_once("\n---\n")
            .expect("frontmatter")
            .1
            .to_owned();
        bodies.push((flags, body));
    }
    for (flags, body) in &bodies {
        assert_eq!(body, "Shipped in abc123.\n", "{flags:?}");
    }
}

#[test]
fn close_with_nothing_on_standard_input_gives_the_default_resolution() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "T", "--slug", "t"])
        .env("TICKETS_NOW", "2026-01-01T00:00:00Z")
        .assert()
        .success();
    ticket(d)
        .args(["close", "t"])
        .write_stdin("")
        .assert()
        .success();
    let text = std::fs::read_to_string(d.join("work-items/closed/20260101-000000-t/resolution.md"))
        .expect("resolution");
    assert_eq!(text, "Closed.\n");
}
