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
    /// `YYYY-MM-DDTHH:MM:SSZ`, written digit by digit: `list` prints one per ticket.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        let (year, month, day) = d.to_calendar_date();
        let Some(year) = u16::try_from(year).ok().filter(|y| *y <= 9999) else {
            // Outside 0..=9999 (the range `time` allows is wider): the slow, general way.
            return write!(
                f,
                "{year:04}-{:02}-{day:02}T{:02}:{:02}:{:02}Z",
                u8::from(month),
                d.hour(),
                d.minute(),
                d.second()
            );
        };
        let mut out = *b"0000-00-00T00:00:00Z";
        let digits = |at: &mut [u8], mut n: u16| {
            for b in at.iter_mut().rev() {
                *b = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        digits(&mut out[0..4], year);
        digits(&mut out[5..7], u16::from(u8::from(month)));
        digits(&mut out[8..10], u16::from(day));
        digits(&mut out[11..13], u16::from(d.hour()));
        digits(&mut out[14..16], u16::from(d.minute()));
        digits(&mut out[17..19], u16::from(d.second()));
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
            "description": "A UTC time to the second: `2026-05-27T00:00:01Z`.",
        })
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

    proptest::proptest! {
        /// The digit-by-digit writer says what the general formatter says, and reads back.
        #[test]
        fn display_is_the_general_format(seconds in -62_135_596_800i64..253_402_300_799) {
            let t = Timestamp::from_unix(seconds).expect("in range");
            let d = t.0;
            let general = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                d.year(),
                u8::from(d.month()),
                d.day(),
                d.hour(),
                d.minute(),
                d.second()
            );
            proptest::prop_assert_eq!(t.to_string(), general.clone());
            proptest::prop_assert_eq!(general.parse::<Timestamp>().expect("reads back"), t);
        }
    }
}
