//! Ordered parallel map over a few threads, for whole-root reads (`list`, the doctor).
//!
//! On a warm page cache, reading thousands of small files is bound by system-call and copy
//! time on one core; two or more threads divide it. Results come back in input order, so
//! callers stay deterministic.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// Items per unit of work: large enough that taking work is cheap, small enough to balance.
const CHUNK: usize = 64;

/// Threads to use: the machine's parallelism, at most 4 (more does not help file reads).
fn threads(items: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
        .min(items.div_ceil(CHUNK).max(1))
}

/// `items` in chunks of [`CHUNK`], each behind a lock for the worker that takes it.
fn chunked<T>(items: Vec<T>) -> Vec<Mutex<Vec<T>>> {
    let mut chunks = Vec::with_capacity(items.len().div_ceil(CHUNK));
    let mut items = items.into_iter();
    loop {
        let chunk: Vec<T> = items.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            return chunks;
        }
        chunks.push(Mutex::new(chunk));
    }
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
    let chunks = chunked(items);
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

/// Chunks a worker may finish ahead of the one the caller is handed next: what bounds memory.
const WINDOW: usize = 64;

/// What the workers and the caller of [`for_each_ordered`] share.
struct Pipe<R> {
    /// Finished chunks not yet handed over, by chunk number.
    done: Vec<Option<Vec<R>>>,
    /// Chunks handed over so far: a worker may start chunk `k` once `k < handed + WINDOW`.
    handed: usize,
    /// A worker or the caller panicked: everyone stops.
    broken: bool,
}

/// Sets [`Pipe::broken`] when dropped during a panic, so no thread waits for the one that died.
struct BreakOnPanic<'a, R> {
    pipe: &'a Mutex<Pipe<R>>,
    wake: &'a Condvar,
}

impl<R> Drop for BreakOnPanic<'_, R> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            lock(self.pipe).broken = true;
            self.wake.notify_all();
        }
    }
}

fn lock<R>(pipe: &Mutex<Pipe<R>>) -> MutexGuard<'_, Pipe<R>> {
    pipe.lock().unwrap_or_else(|p| p.into_inner())
}

/// `items.into_iter().map(f).for_each(each)`, with `f` computed on a few worker threads while
/// `each` runs on the caller's: results are handed over in input order as soon as the order
/// allows, so reading (the workers) and writing out (the caller) overlap, and at most a few
/// thousand results are held at a time however many items there are.
///
/// If `f` or `each` panics, the others stop and the panic is carried to the caller.
pub fn for_each_ordered<T: Send, R: Send>(
    items: Vec<T>,
    f: impl Fn(T) -> R + Sync,
    mut each: impl FnMut(R),
) {
    let n = items.len();
    let threads = threads(n);
    if threads == 1 {
        items.into_iter().map(f).for_each(each);
        return;
    }
    let chunks = chunked(items);
    let pipe = Mutex::new(Pipe {
        done: (0..chunks.len()).map(|_| None).collect(),
        handed: 0,
        broken: false,
    });
    let wake = Condvar::new();
    let next = AtomicUsize::new(0);
    let work = || {
        let _guard = BreakOnPanic {
            pipe: &pipe,
            wake: &wake,
        };
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = chunks.get(k) else {
                return;
            };
            {
                let mut state = lock(&pipe);
                while k >= state.handed + WINDOW && !state.broken {
                    state = wake.wait(state).unwrap_or_else(|p| p.into_inner());
                }
                if state.broken {
                    return;
                }
            }
            let taken = std::mem::take(&mut *chunk.lock().unwrap_or_else(|p| p.into_inner()));
            let out: Vec<R> = taken.into_iter().map(&f).collect();
            let mut state = lock(&pipe);
            state.done[k] = Some(out);
            wake.notify_all();
        }
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        {
            let _guard = BreakOnPanic {
                pipe: &pipe,
                wake: &wake,
            };
            for k in 0..chunks.len() {
                let out = {
                    let mut state = lock(&pipe);
                    loop {
                        if let Some(out) = state.done[k].take() {
                            break Some(out);
                        }
                        if state.broken {
                            break None;
                        }
                        state = wake.wait(state).unwrap_or_else(|p| p.into_inner());
                    }
                };
                let Some(out) = out else { break };
                lock(&pipe).handed = k + 1;
                wake.notify_all();
                out.into_iter().for_each(&mut each);
            }
        }
        for w in workers {
            if let Err(panic) = w.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{for_each_ordered, map_ordered};

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

    #[test]
    fn for_each_hands_over_in_input_order_and_bounds_what_is_held() {
        let n = super::CHUNK * (super::WINDOW * 3) + 17;
        let mut seen = Vec::new();
        for_each_ordered((0..n).collect(), |i| i * 3, |r| seen.push(r));
        assert_eq!(seen, (0..n).map(|i| i * 3).collect::<Vec<_>>());
        let mut few = Vec::new();
        for_each_ordered(vec![5, 6], |i| i, |r| few.push(r));
        assert_eq!(few, vec![5, 6]);
    }

    #[test]
    fn a_panic_in_a_worker_or_the_caller_reaches_the_caller() {
        let n = super::CHUNK * super::WINDOW * 2;
        let worker = std::panic::catch_unwind(|| {
            for_each_ordered((0..n).collect(), |i: usize| assert!(i != n / 2), |()| {});
        });
        assert!(worker.is_err());
        let caller = std::panic::catch_unwind(|| {
            for_each_ordered((0..n).collect(), |i: usize| i, |i| assert!(i != 10));
        });
        assert!(caller.is_err());
    }
}
