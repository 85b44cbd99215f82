//! The in-memory backend passes the conformance suite every backend must pass.

use ticket_domain::InMemoryBackend;
use ticket_test_support::conformance;

#[test]
fn in_memory_backend_conforms() {
    conformance::run_all(&|clock| Box::new(InMemoryBackend::new(clock)));
}
