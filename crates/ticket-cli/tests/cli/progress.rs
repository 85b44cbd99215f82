//! Progress bars appear on a terminal only: never in a pipe or a file.

use std::process::Command;

use crate::support::ticket;

/// A root of five tickets, when script(1) is there to give a terminal; else the skip is said.
fn five_tickets() -> Option<tempfile::TempDir> {
    if Command::new("script").arg("--version").output().is_err() {
        println!("skip: script(1) is absent; no terminal to test progress on");
        return None;
    }
    let dir = tempfile::tempdir().expect("scratch");
    for n in 0..5 {
        ticket(dir.path())
            .args(["create", "--title", &format!("Ticket {n}")])
            .assert()
            .success();
    }
    Some(dir)
}

#[test]
fn the_doctor_draws_progress_on_a_terminal_only() {
    let Some(dir) = five_tickets() else {
        return;
    };
    let d = dir.path();
    let bin = assert_cmd::cargo::cargo_bin("ticket");
    // On a terminal (script(1) gives it one), with the delay at 0 so the test does not wait.
    let on_tty = Command::new("script")
        .args(["-qec", &format!("{} doctor", bin.display()), "/dev/null"])
        .current_dir(d)
        .env("TICKETS_PROGRESS_AFTER", "0")
        .env_remove("WORK_ITEMS_DIR")
        .output()
        .expect("run script");
    let shown = String::from_utf8_lossy(&on_tty.stdout);
    assert!(shown.contains("checking tickets"), "{shown}");
    assert!(shown.contains("doctor: ok"), "{shown}");
    // In a pipe: the same run prints no bar.
    let piped = ticket(d)
        .arg("doctor")
        .env("TICKETS_PROGRESS_AFTER", "0")
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&piped.stderr), "");
    assert_eq!(String::from_utf8_lossy(&piped.stdout), "doctor: ok\n");
}

#[test]
fn import_and_export_draw_progress_on_a_terminal_only() {
    let Some(dir) = five_tickets() else {
        return;
    };
    let d = dir.path();
    let bin = assert_cmd::cargo::cargo_bin("ticket");
    let on_tty = |args: &str| {
        let out = Command::new("script")
            .args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"])
            .current_dir(d)
            .env("TICKETS_PROGRESS_AFTER", "0")
            .env_remove("WORK_ITEMS_DIR")
            .output()
            .expect("run script");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = on_tty("export --to orchestr8 tty-out");
    assert!(shown.contains("exporting tickets"), "{shown}");
    let shown = on_tty("--root other import --from orchestr8 tty-out");
    assert!(shown.contains("importing tickets"), "{shown}");
    // In a pipe: no bar, only the report.
    for args in [
        &["export", "--to", "orchestr8", "piped-out"][..],
        &[
            "--root",
            "again",
            "import",
            "--from",
            "orchestr8",
            "piped-out",
        ][..],
    ] {
        let piped = ticket(d)
            .args(args)
            .env("TICKETS_PROGRESS_AFTER", "0")
            .output()
            .expect("run");
        assert!(piped.status.success(), "{piped:?}");
        let stderr = String::from_utf8_lossy(&piped.stderr);
        assert!(!stderr.contains("porting tickets"), "{stderr}");
    }
}
