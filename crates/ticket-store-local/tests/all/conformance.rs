//! The local backend passes the same conformance suite as the in-memory one.

use ticket_test_support::conformance;

use crate::support::backend;

#[test]
fn local_backend_conforms() {
    let roots = std::cell::RefCell::new(Vec::new());
    conformance::run_all(&|clock| {
        let dir = tempfile::tempdir().expect("scratch dir");
        let root = dir.path().join("work-items");
        roots.borrow_mut().push(dir);
        Box::new(backend(&root, clock))
    });
}
