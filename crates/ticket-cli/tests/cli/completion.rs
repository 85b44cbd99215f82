//! Shell completion completes ticket ids and slugs, through a real bash.

use std::process::Command;

use crate::support::ticket;

#[test]
fn bash_completes_ids_and_slugs() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    for title in ["Fix the parser", "Fix the lexer", "Other"] {
        ticket(d)
            .args(["create", "--title", title])
            .assert()
            .success();
    }
    let bin = assert_cmd::cargo::cargo_bin("ticket");
    let path = format!(
        "{}:{}",
        bin.parent().expect("a directory").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = ticket(d)
        .args(["completions", "bash"])
        .output()
        .expect("script");
    assert!(script.status.success());
    std::fs::write(d.join("complete.bash"), &script.stdout).expect("write");
    // (words typed, the candidates bash offers)
    let cases: [(&str, &[&str]); 4] = [
        ("ticket show fix-the-p", &["fix-the-parser"]),
        ("ticket comment fix", &["fix-the-lexer", "fix-the-parser"]),
        (
            "ticket close 20261124",
            &[
                "20261124-100000-fix-the-lexer",
                "20261124-100000-fix-the-parser",
                "20261124-100000-other",
            ],
        ),
        ("ticket show zzz", &[]),
    ];
    for (words, want) in cases {
        let line = format!(
            "source ./complete.bash; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); COMP_LINE='{words}'; COMP_POINT=${{#COMP_LINE}}; COMP_TYPE=9; _clap_complete_ticket ticket \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\" | sort"
        );
        let out = Command::new("bash")
            .args(["-c", &line])
            .current_dir(d)
            .env("PATH", &path)
            .env_remove("WORK_ITEMS_DIR")
            .output()
            .expect("run bash");
        let got: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        assert_eq!(
            got,
            want,
            "{words}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
