//! Claims: who works on a ticket now, until when, and the fencing token that proves it
//! (docs/claims.md).
//!
//! A claim is a lease: a holder, a token and an absolute expiry (UTC). The token rises with every
//! claim of a ticket and never repeats, even after a release, because the record keeps the last
//! token given ([`LeaseRecord::token`]). Everything here is pure: backends keep the records where
//! they like (the local one in the git common directory, a remote in a ref) and ask [`decide_claim`],
//! [`decide_renew`] and [`decide_release`] what a change does.
//!
//! A lease record, one `key: value` a line:
//!
//! ```text
//! token: 7
//! holder: agent-3
//! acquired: 2026-11-28T07:00:00Z
//! expires: 2026-11-28T07:30:00Z
//! ```
//!
//! A released (or never claimed) ticket's record has the `token:` line only. The `claim` and
//! `release` events of a thread carry a [`ClaimRecord`] as their body.

use std::fmt;

use crate::port::BackendError;
use crate::timestamp::Timestamp;

/// The longest holder name, in bytes.
pub const MAX_HOLDER_BYTES: usize = 200;
/// The longest lease: 30 days.
pub const MAX_TTL_SECONDS: i64 = 30 * 24 * 3600;
/// The lease when none is asked for: 30 minutes.
pub const DEFAULT_TTL_SECONDS: i64 = 30 * 60;

/// A live or expired lease: who holds the ticket, with which token, until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    pub holder: String,
    pub token: u64,
    pub acquired: Timestamp,
    pub expires: Timestamp,
}

/// The words of a write refused because `token` does not hold `id`'s lease (`current` holds it
/// now, if anyone does): the port's and the use cases' `LeaseLost` say the same.
pub fn lost_text(token: u64, id: &str, current: Option<&Lease>) -> String {
    let now = match current {
        Some(l) => format!(
            "it is held by {} with token {} until {}",
            l.holder, l.token, l.expires
        ),
        None => "its lease was released or never taken".into(),
    };
    format!(
        "token {token} does not hold {id}: {now}; nothing was written; claim it again before writing"
    )
}

impl Lease {
    /// Whether the lease still holds at `now` (it ends at `expires`, exclusive).
    pub fn live_at(&self, now: Timestamp) -> bool {
        now < self.expires
    }
}

/// What a store keeps for one ticket: the last token given, and the lease when one was given
/// and not released (live or expired).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaseRecord {
    /// The last token given for the ticket; 0 when it was never claimed.
    pub token: u64,
    pub lease: Option<Lease>,
}

impl LeaseRecord {
    /// The lease, when it holds at `now`.
    pub fn live(&self, now: Timestamp) -> Option<&Lease> {
        self.lease.as_ref().filter(|l| l.live_at(now))
    }

    /// The record as stored: `token: N`, then the lease's lines when there is one.
    pub fn render(&self) -> String {
        let mut out = format!("token: {}\n", self.token);
        if let Some(l) = &self.lease {
            out.push_str(&format!(
                "holder: {}\nacquired: {}\nexpires: {}\n",
                l.holder, l.acquired, l.expires
            ));
        }
        out
    }

    /// Reads a record back; an empty text is a ticket never claimed.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut token = None;
        let (mut holder, mut acquired, mut expires) = (None, None, None);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (key, value) = line
                .split_once(": ")
                .ok_or_else(|| format!("`{line}` is not `key: value`"))?;
            match key {
                "token" => {
                    token = Some(
                        value
                            .parse::<u64>()
                            .map_err(|_| format!("token `{value}` is not a number"))?,
                    );
                }
                "holder" => holder = Some(value.to_owned()),
                "acquired" => acquired = Some(time(value)?),
                "expires" => expires = Some(time(value)?),
                // Keys a newer writer adds are ignored, as readers of the format do.
                _ => {}
            }
        }
        let token = match (token, text.trim().is_empty()) {
            (Some(t), _) => t,
            (None, true) => 0,
            (None, false) => return Err("no `token:` line".into()),
        };
        let lease = match (holder, acquired, expires) {
            (None, None, None) => None,
            (Some(holder), Some(acquired), Some(expires)) => Some(Lease {
                holder,
                token,
                acquired,
                expires,
            }),
            _ => return Err("a lease needs `holder:`, `acquired:` and `expires:` lines".into()),
        };
        Ok(Self { token, lease })
    }
}

fn time(value: &str) -> Result<Timestamp, String> {
    value.parse().map_err(|e| format!("{e}"))
}

/// Why a claim, renewal, release or fenced write is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Another holder has a live lease.
    Held(Lease),
    /// The token given is not the ticket's live lease's: the lease was released, or lost to a
    /// later claim. `current` is the lease now, when there is one.
    Lost { token: u64, current: Option<Lease> },
}

/// What a claim did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claimed {
    /// A new lease, with a new token.
    New,
    /// The holder already held it: the same token, a later expiry.
    Renewed,
}

/// A claim of the ticket whose record is `record` by `holder` at `now` for `ttl` seconds: a free
/// ticket (never claimed, released, or its lease expired) gets a new lease with the next token;
/// a live lease of the same holder is renewed; another holder's live lease refuses it.
pub fn decide_claim(
    record: &LeaseRecord,
    holder: &str,
    now: Timestamp,
    ttl: Ttl,
) -> Result<(LeaseRecord, Claimed), Refusal> {
    let expires = ttl.after(now);
    match record.live(now) {
        Some(l) if l.holder == holder => Ok((
            LeaseRecord {
                token: record.token,
                lease: Some(Lease {
                    expires,
                    ..l.clone()
                }),
            },
            Claimed::Renewed,
        )),
        Some(l) => Err(Refusal::Held(l.clone())),
        None => {
            let token = record.token + 1;
            Ok((
                LeaseRecord {
                    token,
                    lease: Some(Lease {
                        holder: holder.to_owned(),
                        token,
                        acquired: now,
                        expires,
                    }),
                },
                Claimed::New,
            ))
        }
    }
}

/// Checks that `token` is the ticket's lease's: the last token given, not released. An expired
/// lease nobody claimed since still counts (its token is still the last one); once another
/// claim took the ticket, the old token is refused.
pub fn check_token(record: &LeaseRecord, token: u64) -> Result<&Lease, Refusal> {
    match &record.lease {
        Some(l) if l.token == token && record.token == token => Ok(l),
        other => Err(Refusal::Lost {
            token,
            current: other.clone(),
        }),
    }
}

/// A renewal with `token` at `now`: the same lease, expiring `ttl` from now.
pub fn decide_renew(
    record: &LeaseRecord,
    token: u64,
    now: Timestamp,
    ttl: Ttl,
) -> Result<LeaseRecord, Refusal> {
    let lease = check_token(record, token)?;
    Ok(LeaseRecord {
        token: record.token,
        lease: Some(Lease {
            expires: ttl.after(now),
            ..lease.clone()
        }),
    })
}

/// A release with `token`: the record keeps the token (so the next claim gets a higher one) and
/// loses the lease. Gives the lease released.
pub fn decide_release(record: &LeaseRecord, token: u64) -> Result<(LeaseRecord, Lease), Refusal> {
    let lease = check_token(record, token)?.clone();
    Ok((
        LeaseRecord {
            token: record.token,
            lease: None,
        },
        lease,
    ))
}

/// A lease's length in seconds, from `30m`, `90s`, `2h`, `1d`, `1h30m` or a bare number of
/// seconds; from 1 second to 30 days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ttl(i64);

impl Default for Ttl {
    fn default() -> Self {
        Self(DEFAULT_TTL_SECONDS)
    }
}

impl Ttl {
    pub fn seconds(self) -> i64 {
        self.0
    }

    /// `now` plus the lease's length.
    pub fn after(self, now: Timestamp) -> Timestamp {
        Timestamp::from_unix(now.unix() + self.0).unwrap_or(now)
    }

    /// Reads `30m`, `90s`, `2h`, `1d`, `1h30m` or `45` (seconds).
    pub fn parse(text: &str) -> Result<Self, BackendError> {
        let bad = |why: &'static str| -> BackendError {
            crate::invalid::InvalidInput::LeaseLength {
                text: text.to_owned(),
                why,
            }
            .into()
        };
        let mut total: i64 = 0;
        let mut number = String::new();
        for c in text.trim().chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let unit = match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                _ => return Err(bad("has a unit other than s, m, h or d")),
            };
            let n: i64 = number
                .parse()
                .map_err(|_| bad("has a unit without a number"))?;
            total = total.saturating_add(n.saturating_mul(unit));
            number.clear();
        }
        if !number.is_empty() {
            let n: i64 = number.parse().map_err(|_| bad("is too large"))?;
            total = total.saturating_add(n);
        }
        if text.trim().is_empty() {
            return Err(bad("is empty"));
        }
        if total < 1 {
            return Err(bad("is shorter than one second"));
        }
        if total > MAX_TTL_SECONDS {
            return Err(bad("is longer than 30 days"));
        }
        Ok(Self(total))
    }
}

impl fmt::Display for Ttl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        if s % 86400 == 0 {
            write!(f, "{}d", s / 86400)
        } else if s % 3600 == 0 {
            write!(f, "{}h", s / 3600)
        } else if s % 60 == 0 {
            write!(f, "{}m", s / 60)
        } else {
            write!(f, "{s}s")
        }
    }
}

/// Checks a holder's name: one line of at most [`MAX_HOLDER_BYTES`] bytes, no control
/// characters and no `-->` (it is the author of the claim's event).
pub fn check_holder(holder: &str) -> Result<(), BackendError> {
    let why = if holder.trim().is_empty() {
        Some("is empty")
    } else if holder.len() > MAX_HOLDER_BYTES {
        Some("is longer than 200 bytes")
    } else if holder.chars().any(char::is_control) || holder.contains("-->") {
        Some("holds a line break, a control character or `-->`")
    } else if holder.trim() != holder {
        Some("begins or ends with a space")
    } else {
        None
    };
    match why {
        Some(why) => Err(crate::invalid::InvalidInput::Holder {
            holder: holder.to_owned(),
            why,
        }
        .into()),
        None => Ok(()),
    }
}

/// The body of a `claim` or `release` event: who, which token, until when (claims), and the
/// remote the lease lives on when it is held across clones.
///
/// ```text
/// holder: agent-3
/// token: 7
/// expires: 2026-11-28T07:30:00Z
/// remote: origin
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimRecord {
    pub holder: String,
    pub token: u64,
    /// Claims only.
    pub expires: Option<Timestamp>,
    pub remote: Option<String>,
}

impl ClaimRecord {
    pub fn render(&self) -> String {
        let mut out = format!("holder: {}\ntoken: {}\n", self.holder, self.token);
        if let Some(e) = self.expires {
            out.push_str(&format!("expires: {e}\n"));
        }
        if let Some(r) = &self.remote {
            out.push_str(&format!("remote: {r}\n"));
        }
        out
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let (mut holder, mut token, mut expires, mut remote) = (None, None, None, None);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (key, value) = line
                .split_once(": ")
                .ok_or_else(|| format!("`{line}` is not `key: value`"))?;
            match key {
                "holder" => holder = Some(value.to_owned()),
                "token" => token = value.parse::<u64>().ok(),
                "expires" => expires = Some(time(value)?),
                "remote" => remote = Some(value.to_owned()),
                _ => {}
            }
        }
        Ok(Self {
            holder: holder.ok_or("no `holder:` line")?,
            token: token.ok_or("no `token:` line holding a number")?,
            expires,
            remote,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_unix(1_800_000_000 + s).expect("in range")
    }

    fn held(holder: &str, token: u64, expires: i64) -> LeaseRecord {
        LeaseRecord {
            token,
            lease: Some(Lease {
                holder: holder.into(),
                token,
                acquired: at(0),
                expires: at(expires),
            }),
        }
    }

    #[test]
    fn claims_table() {
        let ttl = Ttl(60);
        let released = LeaseRecord {
            token: 4,
            lease: None,
        };
        // (record, holder, now, expected token or refusal holder, renewed)
        type Case<'a> = (LeaseRecord, &'a str, i64, Result<(u64, Claimed), &'a str>);
        let cases: Vec<Case> = vec![
            (LeaseRecord::default(), "a", 10, Ok((1, Claimed::New))),
            (released.clone(), "a", 10, Ok((5, Claimed::New))),
            (held("a", 3, 100), "a", 10, Ok((3, Claimed::Renewed))),
            (held("a", 3, 100), "b", 10, Err("a")),
            (held("a", 3, 100), "b", 99, Err("a")),
            (held("a", 3, 100), "b", 100, Ok((4, Claimed::New))),
            (held("a", 3, 100), "a", 100, Ok((4, Claimed::New))),
        ];
        for (record, holder, now, want) in cases {
            let got = decide_claim(&record, holder, at(now), ttl);
            match (got, want) {
                (Ok((rec, how)), Ok((token, want_how))) => {
                    assert_eq!((rec.token, how), (token, want_how), "{record:?} {holder}");
                    let lease = rec.lease.expect("held");
                    assert_eq!(
                        (lease.token, lease.holder.as_str()),
                        (token, holder),
                        "{record:?}"
                    );
                    assert_eq!(lease.expires, at(now + 60));
                }
                (Err(Refusal::Held(l)), Err(by)) => assert_eq!(l.holder, by),
                (got, want) => panic!("{record:?} {holder} {now}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn tokens_table() {
        let ttl = Ttl(60);
        let r = held("a", 3, 100);
        assert!(decide_renew(&r, 3, at(10), ttl).is_ok());
        // Expired, nobody claimed since: the token is still the last one.
        assert_eq!(
            decide_renew(&r, 3, at(500), ttl).map(|r| r.lease.map(|l| l.expires)),
            Ok(Some(at(560)))
        );
        assert!(matches!(
            decide_renew(&r, 2, at(10), ttl),
            Err(Refusal::Lost { token: 2, .. })
        ));
        let (after, lease) = decide_release(&r, 3).expect("released");
        assert_eq!(
            (after.token, &after.lease, lease.holder.as_str()),
            (3, &None, "a")
        );
        assert!(check_token(&after, 3).is_err(), "a released token is lost");
        // Lost to a later claim after expiry.
        let (taken, _) = decide_claim(&r, "b", at(200), ttl).expect("free");
        assert!(matches!(
            check_token(&taken, 3),
            Err(Refusal::Lost { current: Some(l), .. }) if l.holder == "b" && l.token == 4
        ));
    }

    #[test]
    fn records_round_trip() {
        for r in [
            LeaseRecord::default(),
            LeaseRecord {
                token: 9,
                lease: None,
            },
            held("agent 7@host:12", 9, 77),
        ] {
            assert_eq!(LeaseRecord::parse(&r.render()), Ok(r.clone()));
        }
        assert_eq!(LeaseRecord::parse(""), Ok(LeaseRecord::default()));
        for bad in [
            "token: x\n",
            "holder: a\n",
            "token: 1\nholder: a\n",
            "junk\n",
        ] {
            assert!(LeaseRecord::parse(bad).is_err(), "{bad}");
        }
        let c = ClaimRecord {
            holder: "a".into(),
            token: 3,
            expires: Some(at(5)),
            remote: Some("origin".into()),
        };
        assert_eq!(ClaimRecord::parse(&c.render()), Ok(c));
    }

    #[test]
    fn ttls_and_holders() {
        for (text, secs) in [
            ("90s", 90),
            ("30m", 1800),
            ("2h", 7200),
            ("1d", 86400),
            ("1h30m", 5400),
            ("45", 45),
        ] {
            assert_eq!(
                Ttl::parse(text).map(Ttl::seconds).ok(),
                Some(secs),
                "{text}"
            );
        }
        for bad in ["", "0", "0s", "5x", "m", "31d", "-5m"] {
            assert!(Ttl::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Ttl(1800).to_string(), "30m");
        for ok in ["agent-1", "ada@box:123", "名前"] {
            assert!(check_holder(ok).is_ok(), "{ok}");
        }
        for bad in ["", " ", "a\nb", "a-->b", " lead", &"x".repeat(201)] {
            assert!(check_holder(bad).is_err(), "{bad:?}");
        }
    }
}
