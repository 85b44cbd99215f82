//! RFC 3339 UTC timestamps at second precision, the only time the format knows.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// A point in time, printed as `2026-05-27T00:00:01Z`.
///
/// Parsing accepts any RFC 3339 timestamp (offsets, fractions); the value is normalised to UTC and
/// truncated to whole seconds, which is what every writer of the format emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

/// A string that is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    pub input: String,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not an RFC 3339 timestamp; write it like 2026-05-27T00:00:01Z",
            self.input
        )
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// Builds a timestamp from seconds since the Unix epoch; `None` when out of range.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp(seconds).ok().map(Self)
    }

    pub fn unix(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// `YYYYMMDD-HHMMSS`, the prefix of a ticket id.
    pub fn compact(&self) -> String {
        let d = self.0;
        format!(
            "{:04}{:02}{:02}-{:02}{:02}{:02}",
            d.year(),
            u8::from(d.month()),
            d.day(),
            d.hour(),
            d.minute(),
            d.second()
        )
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || TimestampError {
            input: s.to_owned(),
        };
        let parsed = OffsetDateTime::parse(s, &Rfc3339).map_err(|_| err())?;
        let utc = parsed.to_offset(UtcOffset::UTC);
        utc.replace_nanosecond(0).map(Self).map_err(|_| err())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{}T{:02}:{:02}:{:02}Z",
            self.date_part(),
            d.hour(),
            d.minute(),
            d.second()
        )
    }
}

impl Timestamp {
    fn date_part(&self) -> String {
        let d = self.0;
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_normalises() {
        let t: Timestamp = "2026-05-27T00:00:01Z".parse().expect("valid");
        assert_eq!(t.to_string(), "2026-05-27T00:00:01Z");
        assert_eq!(t.compact(), "20260527-000001");
        let offset: Timestamp = "2026-05-27T02:00:01.5+02:00".parse().expect("valid");
        assert_eq!(offset, t);
        assert!("2026-05-27".parse::<Timestamp>().is_err());
        assert!("yesterday".parse::<Timestamp>().is_err());
    }
}
