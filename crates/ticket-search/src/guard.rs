//! Damage contained: tantivy panics on some corrupt files instead of returning an error. A
//! panic while the index is read is caught here and becomes an error (the index is then rebuilt
//! or a scan answers), and its message is not printed: a damaged cache is not the user's
//! problem. Panics outside [`quietly`], and on other threads, print as before.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Runs `f`; a panic inside it is returned as `Err` with its message, unprinted.
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into())
    })
}

#[cfg(test)]
mod tests {
    use super::quietly;

    #[test]
    fn panics_become_errors() {
        assert_eq!(quietly(|| 1), Ok(1));
        let e = quietly(|| -> u8 { panic!("boom {}", 1) });
        assert_eq!(e, Err("boom 1".into()));
        assert_eq!(quietly(|| 2), Ok(2));
    }
}
