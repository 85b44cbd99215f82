//! Ordered parallel map over a few threads, for whole-root reads (`list`, the doctor).
//!
//! On a warm page cache, reading thousands of small files is bound by system-call and copy
//! time on one core; two or more threads divide it. Results come back in input order, so
//! callers stay deterministic.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Items per unit of work: large enough that taking work is cheap, small enough to balance.
const CHUNK: usize = 64;

/// Threads to use: the machine's parallelism, at most 4 (more does not help file reads).
fn threads(items: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
        .min(items.div_ceil(CHUNK).max(1))
}

/// `items.into_iter().map(f).collect()`, computed on a few scoped threads, in input order.
///
/// If `f` panics on a worker, the panic is carried to the caller, as a sequential map would.
pub fn map_ordered<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let n = items.len();
    let threads = threads(n);
    if threads == 1 {
        return items.into_iter().map(f).collect();
    }
    let mut chunks: Vec<Mutex<Vec<T>>> = Vec::with_capacity(n.div_ceil(CHUNK));
    let mut items = items.into_iter();
    loop {
        let chunk: Vec<T> = items.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(Mutex::new(chunk));
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = chunks.get(k) else {
                return done;
            };
            let taken = std::mem::take(&mut *chunk.lock().unwrap_or_else(|p| p.into_inner()));
            done.push((k, taken.into_iter().map(&f).collect()));
        }
    };
    let mut done = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut done = work();
        for h in helpers {
            match h.join() {
                Ok(more) => done.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(k, _)| *k);
    done.into_iter().flat_map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::map_ordered;

    #[test]
    fn keeps_input_order_across_chunks() {
        let input: Vec<usize> = (0..1000).collect();
        let out = map_ordered(input, |i| i * 2);
        assert_eq!(out, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn empty_and_small_inputs() {
        assert!(map_ordered(Vec::<u8>::new(), |b| b).is_empty());
        assert_eq!(map_ordered(vec![1, 2, 3], |b| b + 1), vec![2, 3, 4]);
    }
}
