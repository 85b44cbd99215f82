//! The local backend passes the same conformance suite as the in-memory one.

use std::time::Duration;

use ticket_store_local::LeaseStore;
use ticket_test_support::conformance::{self, Subject};

use crate::support::backend;

#[test]
fn local_backend_conforms() {
    let roots = std::cell::RefCell::new(Vec::new());
    conformance::run_all(&|clock| {
        let dir = tempfile::tempdir().expect("scratch dir");
        let root = dir.path().join("work-items");
        let leases = LeaseStore::at(dir.path().join("leases"), Duration::from_secs(5));
        roots.borrow_mut().push(dir);
        let backend = backend(&root, clock).with_leases(leases.clone());
        Subject::new(backend, move |id, record| {
            leases
                .with_lock(|locked| locked.write(id, &record))
                .expect("lease written")
        })
    });
}

#[test]
fn local_store_conforms_to_the_roles() {
    let roots = std::cell::RefCell::new(Vec::new());
    ticket_test_support::roles::run_roles(&|clock| {
        let dir = tempfile::tempdir().expect("scratch dir");
        let root = dir.path().join("work-items");
        let leases = LeaseStore::at(dir.path().join("leases"), Duration::from_secs(5));
        roots.borrow_mut().push(dir);
        backend(&root, clock).with_leases(leases)
    });
}
