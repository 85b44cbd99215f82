//! Parity with `tickets.sh doctor`: for its checks, the exact problem lines, in its order.

use std::fs;

use ticket_doctor::Code;

use crate::support::{CLOSED, OPEN, check, copy_tree, fixture, show};

use ticket_format::keys::REQUIRED_KEYS as FIELDS;

fn shell_lines(report: &ticket_doctor::Report) -> Vec<String> {
    let shell: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.is_shell())
        .map(|c| c.as_str())
        .collect();
    report
        .diagnostics
        .iter()
        .filter(|d| shell.contains(&d.code.as_str()))
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn shell_messages_are_exact_and_in_the_shells_order() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = fixture(tmp.path());
    let r = root.display().to_string();
    let alpha = root.join(OPEN);
    copy_tree(&alpha, &root.join("open/zzzz-copy"));
    fs::remove_dir_all(root.join("pending")).expect("rm pending");
    fs::create_dir_all(root.join("open/20260101-000000-noitem/artifacts")).expect("mkdir");
    fs::write(root.join("open/20260101-000000-noitem/thread.md"), "").expect("thread");
    fs::remove_file(alpha.join("thread.md")).expect("rm thread");
    fs::remove_dir_all(alpha.join("artifacts")).expect("rm artifacts");
    let noopen = root.join("open/20260601-000000-noopen");
    copy_tree(&root.join(CLOSED), &noopen);
    fs::write(
        noopen.join("item.md"),
        "# no opener\nid: 20260601-000000-noopen\n",
    )
    .expect("item");
    // No closing `---`: the shell reads keys to the end of the file, body lines included.
    let unclosed = root.join("open/20260602-000000-unclosed");
    copy_tree(&root.join(CLOSED), &unclosed);
    fs::write(
        unclosed.join("item.md"),
        "---\nid: 20260602-000000-unclosed\ntitle: T\nstatus: open\nkind: task\npriority: P2\n\
         labels: []\ncreated_at: 2026-06-02T00:00:00Z\nupdated_at: 2026-06-02T00:00:00Z\n\
         assignee: null\nlegacy_ticket: null\n\n## Body\n\nslug: read-from-the-body\n",
    )
    .expect("item");
    let gamma = root.join(CLOSED).join("item.md");
    let text = fs::read_to_string(&gamma).expect("read");
    let text = text
        .replace("kind: task\n", "")
        .replace("status: closed\n", "status: open\n");
    fs::write(&gamma, text).expect("write");

    let report = check(&root);
    let mut expected = vec![
        format!("missing directory: {r}/pending"),
        format!("missing item.md: {r}/open/20260101-000000-noitem"),
        format!("missing thread.md: {r}/{OPEN}"),
        format!("missing artifacts/: {r}/{OPEN}"),
        format!("item.md missing frontmatter opener: {r}/open/20260601-000000-noopen/item.md"),
    ];
    expected.extend(
        FIELDS.iter().map(|f| {
            format!("missing required field '{f}': {r}/open/20260601-000000-noopen/item.md")
        }),
    );
    expected.extend([
        format!("status mismatch: {r}/open/20260601-000000-noopen/item.md has '' under 'open'"),
        format!("directory id mismatch: {r}/open/zzzz-copy has id 20260527-000001-alpha"),
        format!("missing required field 'kind': {r}/{CLOSED}/item.md"),
        format!("status mismatch: {r}/{CLOSED}/item.md has 'open' under 'closed'"),
        "duplicate id: 20260527-000001-alpha".to_owned(),
        "duplicate slug: alpha".to_owned(),
    ]);
    assert_eq!(shell_lines(&report), expected, "{}", show(&report));
    // Every shell line comes before any of ours, and each is an error but the missing status
    // directory (a warning since git clones drop empty directories).
    let first_ours = report
        .diagnostics
        .iter()
        .position(|d| !expected.contains(&d.message))
        .unwrap_or(report.diagnostics.len());
    assert_eq!(first_ours, expected.len(), "{}", show(&report));
    assert!(
        report.diagnostics[..first_ours]
            .iter()
            .all(|d| (d.severity == ticket_domain::Severity::Error)
                != (d.code == "missing-directory"))
    );
    // Ours on top: the unclosed frontmatter.
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "frontmatter-unclosed" && d.line == Some(1)),
        "{}",
        show(&report)
    );
}

#[test]
fn paths_are_the_root_joined_like_the_shells() {
    // Paths are `root.join(..)` as given: with the root `work-items`, `work-items/open/<id>`.
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = fixture(tmp.path());
    fs::remove_file(root.join(OPEN).join("thread.md")).expect("rm");
    let report = check(&root);
    let line = &shell_lines(&report)[0];
    assert!(line.starts_with("missing thread.md: "), "{line}");
    assert!(
        line.ends_with("work-items/open/20260527-000001-alpha"),
        "{line}"
    );
}

#[test]
fn crlf_items_read_like_our_tickets_sh() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = fixture(tmp.path());
    let item = root.join(OPEN).join("item.md");
    let text = fs::read_to_string(&item).expect("read");
    fs::write(&item, text.replace('\n', "\r\n")).expect("write");
    let report = check(&root);
    assert!(shell_lines(&report).is_empty(), "{:#?}", report.diagnostics);
    assert!(report.ok());
    assert!(
        report.diagnostics.iter().any(|d| d.code == "shell-misread"),
        "the replaced tool would misread it"
    );
}

#[test]
fn quoted_values_are_unquoted_like_our_tickets_sh() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = fixture(tmp.path());
    let item = root.join(OPEN).join("item.md");
    let text = fs::read_to_string(&item).expect("read");
    let edited = text
        .replace("status: open\n", "status: \"open\"\n")
        .replace("kind: task", "kind: ''");
    fs::write(&item, edited).expect("write");
    let report = check(&root);
    assert_eq!(
        shell_lines(&report),
        [format!(
            "missing required field 'kind': {}/{OPEN}/item.md",
            root.display()
        )]
    );
}
