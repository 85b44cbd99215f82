//! Progress of long whole-root work on standard error: drawn only when standard error is a
//! terminal, and only once the work has taken a second (quick runs never flash a bar).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ticket_app::Progress;

/// How long work runs before its bar appears, unless `TICKETS_PROGRESS_AFTER` (seconds) says.
const DELAY: Duration = Duration::from_secs(1);

/// A bar on standard error, hidden until [`DELAY`] has passed.
pub struct Bar {
    bar: ProgressBar,
    started: Instant,
    delay: Duration,
    shown: AtomicBool,
}

/// A bar when standard error is a terminal; else nothing is ever drawn.
fn on_stderr() -> Option<Bar> {
    let delay = std::env::var("TICKETS_PROGRESS_AFTER")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(DELAY, Duration::from_secs_f64);
    std::io::stderr().is_terminal().then(|| Bar {
        bar: ProgressBar::hidden(),
        started: Instant::now(),
        delay,
        shown: AtomicBool::new(false),
    })
}

/// Runs `f` with a bar on standard error when it is a terminal, else with nobody listening.
pub fn with_bar<T>(f: impl FnOnce(&dyn Progress) -> T) -> T {
    match on_stderr() {
        Some(bar) => f(&bar),
        None => f(&()),
    }
}

impl Progress for Bar {
    fn start(&self, what: &str, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.set_message(what.to_owned());
        if let Ok(style) = ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} ({eta})") {
            self.bar.set_style(style);
        }
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
        if self.started.elapsed() >= self.delay && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
