//! The clean real corpus: no errors, and exactly the warnings we know it has.

use ticket_domain::Severity;

use crate::support::{check, corpus, show, snapshot};

#[test]
fn clean_corpus_is_ok_with_its_known_warnings() {
    let Some(root) = corpus() else { return };
    let before = snapshot(&root);
    let report = check(&root);
    println!("{}", show(&report));
    assert!(report.ok(), "{}", show(&report));
    assert_eq!(report.errors(), 0);
    assert!(report.fixed.is_empty());
    let mut warnings: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.code.as_str())
        .collect();
    warnings.sort();
    assert_eq!(
        warnings,
        [
            "closed-without-resolution",
            "closed-without-resolution",
            "review-without-verdict"
        ],
        "{}",
        show(&report)
    );
    assert_eq!(snapshot(&root), before, "the doctor changed the corpus");
}
