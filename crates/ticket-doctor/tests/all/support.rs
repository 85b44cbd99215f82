//! Helpers: the hand-written fixture root, the real corpus, tree copies and snapshots.

use std::fs;
use std::path::{Path, PathBuf};

use ticket_doctor::{Options, Report};
pub use ticket_test_support::{copy_tree, corpus, snapshot};

pub const OPEN: &str = "open/20260527-000001-alpha";
pub const PENDING: &str = "pending/20260527-000002-beta";
pub const CLOSED: &str = "closed/20260527-000003-gamma";

fn item(id: &str, slug: &str, title: &str, status: &str, labels: &str, updated: &str) -> String {
    format!(
        "---\nid: {id}\nslug: {slug}\ntitle: {title}\nstatus: {status}\nkind: task\npriority: P2\n\
         labels: {labels}\ncreated_at: 2026-05-27T00:00:0{}Z\nupdated_at: {updated}\nassignee: null\n\
         legacy_ticket: null\n---\n\n## Background\n\nCreated by tickets.sh.\n\n---\n\n\
         ## Acceptance criteria\n\n- TBD\n",
        &id[14..15]
    )
}

fn event(
    first: bool,
    kind: &str,
    at: &str,
    status: Option<&str>,
    heading: &str,
    body: &str,
) -> String {
    let status = status.map(|s| format!(" status: {s}")).unwrap_or_default();
    let lead = if first { "" } else { "\n" };
    format!(
        "{lead}<!-- event: {kind} author: yoi ticket at: {at}{status} -->\n\n## {heading}\n\n{body}\n\n---\n"
    )
}

fn ticket(root: &Path, rel: &str, item_text: &str, thread: &str, resolution: Option<&str>) {
    let dir = root.join(rel);
    fs::create_dir_all(dir.join("artifacts")).expect("mkdir ticket");
    fs::write(dir.join("artifacts/.gitkeep"), "").expect("gitkeep");
    fs::write(dir.join("item.md"), item_text).expect("item");
    fs::write(dir.join("thread.md"), thread).expect("thread");
    if let Some(r) = resolution {
        fs::write(dir.join("resolution.md"), r).expect("resolution");
    }
}

/// Three tickets written by hand in the exact format of docs/format.md, under `<dir>/work-items`.
pub fn fixture(dir: &Path) -> PathBuf {
    let root = dir.join("work-items");
    let create = |at| {
        event(
            true,
            "create",
            at,
            None,
            "Created",
            "Created by tickets.sh create.",
        )
    };
    ticket(
        &root,
        OPEN,
        &item(
            "20260527-000001-alpha",
            "alpha",
            "Pod: scope alpha",
            "open",
            "[maintainer, workflow]",
            "2026-05-28T10:00:00Z",
        ),
        &(create("2026-05-27T00:00:01Z")
            + &event(
                false,
                "plan",
                "2026-05-28T10:00:00Z",
                None,
                "Plan",
                "1. do it\n\n---\n\n2. check it",
            )),
        None,
    );
    ticket(
        &root,
        PENDING,
        &item(
            "20260527-000002-beta",
            "beta",
            "Beta",
            "pending",
            "[]",
            "2026-05-27T00:00:02Z",
        ),
        &create("2026-05-27T00:00:02Z"),
        None,
    );
    ticket(
        &root,
        CLOSED,
        &item(
            "20260527-000003-gamma",
            "gamma",
            "Gamma",
            "closed",
            "[x]",
            "2026-05-29T00:00:00Z",
        ),
        &(create("2026-05-27T00:00:03Z")
            + &event(
                false,
                "review",
                "2026-05-28T00:00:00Z",
                Some("approve"),
                "Review: approve",
                "ok",
            )
            + &event(
                false,
                "close",
                "2026-05-29T00:00:00Z",
                Some("closed"),
                "Closed",
                "Done.\n",
            )),
        Some("Done.\n"),
    );
    fs::write(root.join("README.md"), "# tickets\n").expect("readme");
    root
}

pub fn check(root: &Path) -> Report {
    ticket_doctor::run(root, &Options::default()).expect("a check without fix takes no lock")
}

pub fn show(report: &Report) -> String {
    report
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {} {}\n", d.severity, d.code, d.message))
        .collect()
}
