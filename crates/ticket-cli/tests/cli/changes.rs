//! `ticket changes`: the change feed (docs/feed.md) on the command line, whichever tool wrote.

use serde_json::Value;

use crate::support::{run_shell, ticket};

fn json(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, Value, String) {
    let out = ticket(dir).arg("--json").args(args).output().expect("run");
    let stdout = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code(),
        stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn changes_since_a_cursor_are_listed_once_whichever_tool_wrote_them() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "Before"])
        .assert()
        .success();
    let (code, first, _) = json(d, &["changes"]);
    assert_eq!(code, Some(0));
    assert_eq!(first["changes"], Value::Array(Vec::new()), "{first}");
    let cursor = first["cursor"].as_str().expect("a cursor").to_owned();
    // One write by each tool.
    ticket(d)
        .args(["comment", "before", "--role", "plan"])
        .write_stdin("A plan.\n")
        .assert()
        .success();
    assert!(
        run_shell(d, &["create", "--title", "From the shell"])
            .status
            .success()
    );
    let (code, next, _) = json(d, &["changes", "--since", &cursor]);
    assert_eq!(code, Some(0));
    let rows: Vec<(String, Vec<String>)> = next["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            let kinds = c["kinds"].as_array().expect("kinds");
            (
                c["slug"].as_str().unwrap_or_default().to_owned(),
                kinds
                    .iter()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect(),
            )
        })
        .collect();
    let want = |slug: &str, kinds: &[&str]| {
        (
            slug.to_owned(),
            kinds.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>(),
        )
    };
    // The fixed clock leaves `updated_at` as it was, so item.md is unchanged: only the thread.
    assert!(
        rows.contains(&want("before", &["events_appended"])),
        "{rows:?}"
    );
    assert!(
        rows.contains(&want("from-the-shell", &["created"])),
        "{rows:?}"
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    // Asked again from the new cursor: nothing; the human form ends with the cursor.
    let again = next["cursor"].as_str().expect("a cursor");
    let out = ticket(d)
        .args(["changes", "--since", again])
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("cursor: {again}\n")
    );
    // A cursor it cannot answer: exit 2, code `cursor`, nothing but the error.
    let (code, _, stderr) = json(d, &["changes", "--since", "not-a-cursor"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("\"code\":\"cursor\""), "{stderr}");
}
