//! The in-memory backend passes the conformance suite every backend must pass.

use ticket_domain::InMemoryBackend;
use ticket_test_support::conformance::{self, Subject};

#[test]
fn in_memory_backend_conforms() {
    conformance::run_all(&|clock| {
        let backend = InMemoryBackend::new(clock);
        let leases = backend.leases();
        Subject::new(backend, move |id, record| leases.set(id, record))
    });
}

#[test]
fn in_memory_store_conforms_to_the_roles() {
    ticket_test_support::roles::run_roles(&|clock| InMemoryBackend::new(clock));
}
