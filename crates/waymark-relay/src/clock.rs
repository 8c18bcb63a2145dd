//! Time as the relay stores it (milliseconds since the Unix epoch) and shows it
//! (RFC 3339, UTC).

use jiff::Timestamp;

use crate::error::{RelayError, Result};

/// The relay's clock, to the millisecond.
pub fn now() -> Timestamp {
    let t = Timestamp::now();
    Timestamp::from_millisecond(t.as_millisecond()).unwrap_or(t)
}

/// Milliseconds since the epoch, as stored.
pub fn to_ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// A stored time back as a timestamp.
pub fn from_ms(ms: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|e| RelayError::Internal(format!("stored time out of range: {e}")))
}

/// A stored time as RFC 3339.
pub fn rfc3339(ms: i64) -> Result<String> {
    Ok(from_ms(ms)?.to_string())
}

/// `days` from `t`.
pub fn plus_days(t: Timestamp, days: u32) -> Timestamp {
    Timestamp::from_millisecond(t.as_millisecond().saturating_add(i64::from(days) * 86_400_000)).unwrap_or(t)
}
