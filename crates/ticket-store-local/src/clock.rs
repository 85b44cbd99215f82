//! The real clock: the system time, and the process id as the collision suffix (as `tickets.sh`).

use std::time::{SystemTime, UNIX_EPOCH};

use ticket_domain::{Clock, Timestamp};

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Timestamp::from_unix(secs)
            .unwrap_or_else(|| Timestamp::from_unix(0).expect("the epoch is in range"))
    }

    fn collision_suffix(&self) -> String {
        std::process::id().to_string()
    }
}
