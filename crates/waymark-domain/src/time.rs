//! Time as the domain sees it: instants (UTC) with the local offset they were recorded
//! in, dates of birth that may be year-only, and the intake clock. The caller passes
//! `now`; nothing here reads a clock.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use jiff::fmt::temporal::Pieces;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::error::{Result, ValidationError};

/// How far in the future a given time may be before it is refused: phones' clocks
/// drift, but a contact is never logged for tomorrow.
const FUTURE_SLACK_SECONDS: i64 = 10 * 60;

/// An instant and the UTC offset (seconds east) the worker's phone had at that time,
/// so reports can speak of local days while ordering stays in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalInstant {
    pub utc: Timestamp,
    pub offset_seconds: i32,
}

impl LocalInstant {
    pub fn new(utc: Timestamp, offset: Offset) -> Self {
        Self { utc, offset_seconds: offset.seconds() }
    }

    /// Parses RFC 3339 (`2026-11-23T14:05:00-08:00`, `...Z`) and refuses times more
    /// than a few minutes after `now`.
    pub fn parse(text: &str, now: Timestamp) -> Result<Self> {
        let bad = || ValidationError::Time(text.to_owned());
        let pieces = Pieces::parse(text.trim()).map_err(|_| bad())?;
        let offset = pieces.to_numeric_offset().ok_or_else(bad)?;
        let time = pieces.time().ok_or_else(bad)?;
        let utc = offset.to_timestamp(pieces.date().to_datetime(time)).map_err(|_| bad())?;
        if utc.as_second() > now.as_second() + FUTURE_SLACK_SECONDS {
            return Err(ValidationError::TimeInFuture(text.to_owned()));
        }
        Ok(Self::new(utc, offset))
    }

    /// The same instant written with its local offset.
    pub fn to_rfc3339(&self) -> String {
        let offset = Offset::from_seconds(self.offset_seconds).unwrap_or(Offset::UTC);
        self.utc.display_with_offset(offset).to_string()
    }
}

/// A date of birth: exact, or only the year when that is all a person gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dob {
    Exact(Date),
    Year(i16),
}

impl Dob {
    /// Parses `YYYY-MM-DD` or `YYYY`, refusing impossible dates and dates after `today`.
    pub fn parse(text: &str, today: Date) -> Result<Self> {
        let text = text.trim();
        let bad = || ValidationError::Dob(text.to_owned());
        let dob = if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
            Dob::Year(text.parse().map_err(|_| bad())?)
        } else {
            Dob::Exact(parse_date(text).map_err(|_| bad())?)
        };
        let too_old = match dob {
            Dob::Exact(d) => d.year() < 1900,
            Dob::Year(y) => y < 1900,
        };
        if too_old {
            return Err(bad());
        }
        let future = match dob {
            Dob::Exact(d) => d > today,
            Dob::Year(y) => y > today.year(),
        };
        if future {
            return Err(ValidationError::DobInFuture(text.to_owned()));
        }
        Ok(dob)
    }

    pub fn year(&self) -> i16 {
        match self {
            Dob::Exact(d) => d.year(),
            Dob::Year(y) => *y,
        }
    }
}

impl fmt::Display for Dob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dob::Exact(d) => write!(f, "{d}"),
            Dob::Year(y) => write!(f, "{y:04}"),
        }
    }
}

impl FromStr for Dob {
    type Err = ValidationError;
    /// Parses stored text without the "not in the future" check (stored values were
    /// checked when they were entered).
    fn from_str(s: &str) -> Result<Self> {
        Dob::parse(s, Date::MAX)
    }
}

impl Serialize for Dob {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dob {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Parses a strict `YYYY-MM-DD` calendar date (2026-02-30 is refused).
pub fn parse_date(text: &str) -> Result<Date> {
    let text = text.trim();
    let bad = || ValidationError::Date(text.to_owned());
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| text.get(r).and_then(|s| s.parse::<i16>().ok());
    let (y, m, d) = (num(0..4).ok_or_else(bad)?, num(5..7).ok_or_else(bad)?, num(8..10).ok_or_else(bad)?);
    let m = i8::try_from(m).map_err(|_| bad())?;
    let d = i8::try_from(d).map_err(|_| bad())?;
    Date::new(y, m, d).map_err(|_| bad())
}

/// Looks up an IANA time zone in the bundled database (works offline, same on every
/// device).
pub fn time_zone(name: &str) -> Result<TimeZone> {
    TimeZone::get(name).map_err(|_| ValidationError::TimeZone(name.to_owned()))
}

/// The intake deadline: the referral time plus the team's window in *calendar days of
/// the team's time zone*, so a referral at 3 pm is due at 3 pm local time even when a
/// daylight-saving change falls inside the window.
pub fn intake_deadline(referred_at: Timestamp, team_tz: &TimeZone, window_days: u8) -> Timestamp {
    let local = referred_at.to_zoned_datetime(team_tz.clone());
    match local.checked_add(i64::from(window_days).days()) {
        Ok(due) => due.timestamp(),
        // Only reachable at the end of representable time; a plain 24 h per day is the
        // best answer there.
        Err(_) => referred_at.checked_add((i64::from(window_days) * 24).hours()).unwrap_or(Timestamp::MAX),
    }
}

/// Days left on an intake clock, as a worker reads it: a referral made now with a
/// 30-day window has 30 days left (not 29 and some hours), "1" means due within the
/// next 24 hours, and an overdue referral counts down from -1.
pub fn days_left(now: Timestamp, deadline: Timestamp) -> i64 {
    let seconds = deadline.as_second() - now.as_second();
    if seconds > 0 { (seconds + 86_399) / 86_400 } else { seconds.div_euclid(86_400) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test timestamp")
    }

    #[test]
    fn deadline_keeps_local_wall_time_across_dst_end() {
        // 2026-10-20 15:00 PDT (UTC-7); 30 days later is after DST ends on 2026-11-01,
        // so 15:00 PST is 23:00 UTC, not 22:00.
        let tz = time_zone("America/Los_Angeles").expect("bundled zone");
        let due = intake_deadline(ts("2026-10-20T22:00:00Z"), &tz, 30);
        assert_eq!(due, ts("2026-11-19T23:00:00Z"));
        assert_eq!(due.as_second() - ts("2026-10-20T22:00:00Z").as_second(), 30 * 86_400 + 3600);
    }

    #[test]
    fn deadline_keeps_local_wall_time_across_dst_start() {
        // 2026-03-01 09:00 PST; DST starts 2026-03-08: due 09:00 PDT = 16:00 UTC.
        let tz = time_zone("America/Los_Angeles").expect("bundled zone");
        let due = intake_deadline(ts("2026-03-01T17:00:00Z"), &tz, 14);
        assert_eq!(due, ts("2026-03-15T16:00:00Z"));
    }

    #[test]
    fn deadline_in_utc_team_is_exact_days() {
        let due = intake_deadline(ts("2026-01-31T10:00:00Z"), &TimeZone::UTC, 30);
        assert_eq!(due, ts("2026-03-02T10:00:00Z"));
    }

    #[test]
    fn days_left_counts_down_and_goes_negative() {
        let due = ts("2026-11-30T12:00:00Z");
        assert_eq!(days_left(ts("2026-11-23T12:00:00Z"), due), 7);
        assert_eq!(days_left(ts("2026-11-23T12:00:05Z"), due), 7, "a few seconds later still reads 7");
        assert_eq!(days_left(ts("2026-11-30T11:00:00Z"), due), 1, "due within the day");
        assert_eq!(days_left(due, due), 0);
        assert_eq!(days_left(ts("2026-11-30T13:00:00Z"), due), -1);
        assert_eq!(days_left(ts("2026-12-01T13:00:00Z"), due), -2);
    }

    #[test]
    fn dob_accepts_exact_and_year_only() {
        let today = date(2026, 11, 23);
        assert_eq!(Dob::parse("1980-02-29", today), Ok(Dob::Exact(date(1980, 2, 29))));
        assert_eq!(Dob::parse("1975", today), Ok(Dob::Year(1975)));
        assert_eq!(Dob::parse("1975", today).map(|d| d.to_string()), Ok("1975".into()));
    }

    #[test]
    fn dob_refuses_impossible_and_future_dates() {
        let today = date(2026, 11, 23);
        for bad in ["1981-02-29", "1980-13-01", "1980-04-31", "80-01-01", "abcd", "1850", ""] {
            assert!(matches!(Dob::parse(bad, today), Err(ValidationError::Dob(_))), "{bad}");
        }
        assert!(matches!(Dob::parse("2027", today), Err(ValidationError::DobInFuture(_))));
        assert!(matches!(Dob::parse("2026-12-01", today), Err(ValidationError::DobInFuture(_))));
    }

    #[test]
    fn local_instant_keeps_offset_and_refuses_future() {
        let now = ts("2026-11-23T20:00:00Z");
        let at = LocalInstant::parse("2026-11-23T10:30:00-08:00", now).expect("valid");
        assert_eq!(at.utc, ts("2026-11-23T18:30:00Z"));
        assert_eq!(at.offset_seconds, -8 * 3600);
        assert_eq!(at.to_rfc3339(), "2026-11-23T10:30:00-08:00");
        assert!(matches!(LocalInstant::parse("2026-11-24T10:30:00Z", now), Err(ValidationError::TimeInFuture(_))));
        for bad in ["2026-02-30T10:00:00Z", "yesterday", "2026-11-23T10:30:00", "2026-11-23"] {
            assert!(matches!(LocalInstant::parse(bad, now), Err(ValidationError::Time(_))), "{bad}");
        }
    }
}
