//! `list --columns`: the TSV a script asks for, the default staying the original tool's.

use crate::support::ticket;

#[test]
fn columns_choose_what_list_prints() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "Tab\there", "--label", "a,b"])
        .assert()
        .success();
    let list = |columns: &str| {
        let out = ticket(d)
            .args(["list", "--columns", columns])
            .output()
            .expect("run");
        assert!(out.status.success(), "{columns}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    // (--columns, the output)
    let cases = [
        (
            "id,title",
            "id\ttitle\n20261124-100000-tab-here\tTab\\there\n",
        ),
        (
            "labels,assignee,readiness",
            "labels\tassignee\treadiness\na,b\t\tunspecified\n",
        ),
        (
            "+labels",
            "status\tid\tslug\ttitle\tkind\tpriority\tupdated_at\tlabels\nopen\t20261124-100000-tab-here\ttab-here\tTab\\there\ttask\tP2\t2026-11-24T10:00:00Z\ta,b\n",
        ),
        ("title,title", "title\nTab\\there\n"),
    ];
    for (columns, want) in cases {
        assert_eq!(list(columns), want, "{columns}");
    }
    let plain = ticket(d).arg("list").output().expect("run");
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout),
        list("+"),
        "`+` alone is the default"
    );
    ticket(d)
        .args(["list", "--columns", "nope"])
        .assert()
        .code(2);
}
