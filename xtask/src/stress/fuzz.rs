//! Fuzzing and hostile input, run through `cargo test` so the same tests run (with fewer cases)
//! in every `cargo test`: the property tests of the frontmatter parser and the thread parser
//! (`ticket-format`, `tests/all/fuzz.rs`) and of id/slug resolution (`ticket-store-local`,
//! `tests/all/fuzz_names.rs`), `PROPTEST_CASES` cases each, and the hostile-input tests of the CLI and
//! the library (`hostile` modules).

use std::path::Path;
use std::process::Command;

pub struct Figures {
    /// The `fuzz:` lines the tests print (target, cases, panics, peak memory), and the counts of
    /// hostile-input tests passed.
    pub lines: Vec<String>,
}

/// The test runs: (package, test binary, filter).
const RUNS: &[(&str, &str, &str)] = &[
    ("ticket-format", "all", "fuzz::"),
    ("ticket-store-local", "all", "fuzz_names::"),
    ("ticket-store-local", "all", "hostile::"),
    ("ticket-cli", "cli", "hostile::"),
];

pub fn run(repo: &Path, cases: u64) -> Result<Figures, String> {
    let mut lines = Vec::new();
    for (package, test, filter) in RUNS {
        println!("== cargo test -p {package} --test {test} {filter} (PROPTEST_CASES={cases})");
        let out = Command::new("cargo")
            .args(["test", "--quiet", "-p", package, "--test", test, filter])
            .args(["--", "--nocapture", "--test-threads=2"])
            .env("PROPTEST_CASES", cases.to_string())
            .current_dir(repo)
            .output()
            .map_err(|e| format!("cannot run cargo test: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            return Err(format!(
                "cargo test -p {package} --test {test} {filter} failed:\n{stdout}{stderr}"
            ));
        }
        let passed = stdout
            .lines()
            .chain(stderr.lines())
            .filter_map(|l| l.strip_prefix("test result: ok. "))
            .filter_map(|l| l.split(' ').next()?.parse::<u64>().ok())
            .sum::<u64>();
        lines.extend(
            stdout
                .lines()
                .chain(stderr.lines())
                // The harness's progress dots may precede a test's line.
                .filter_map(|l| l.find("fuzz: ").map(|i| l[i..].to_owned())),
        );
        lines.push(format!("{package} {filter} {passed} tests passed"));
    }
    Ok(Figures { lines })
}
