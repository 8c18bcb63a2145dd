//! Validation errors: precise, lowercase, saying what is wrong and what is allowed.

use thiserror::Error;

/// Why a value given by a user (or read from a peer) is not acceptable.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ValidationError {
    #[error("latitude {0} is out of range: it must be between -90 and 90")]
    Latitude(f64),
    #[error("longitude {0} is out of range: it must be between -180 and 180")]
    Longitude(f64),
    #[error("location accuracy {0} m is not valid: it must be a positive number of metres")]
    Accuracy(f64),
    #[error("date of birth {0:?} is not a valid date: use YYYY-MM-DD or a year YYYY")]
    Dob(String),
    #[error("date of birth {0} is in the future")]
    DobInFuture(String),
    #[error("date {0:?} is not a valid date: use YYYY-MM-DD")]
    Date(String),
    #[error("time {0:?} is not valid: use RFC 3339, e.g. 2026-11-23T14:05:00-08:00")]
    Time(String),
    #[error("time {0} is in the future")]
    TimeInFuture(String),
    #[error("unknown service {0:?}: the team's services are {1}")]
    UnknownService(String, String),
    #[error("service count for {0:?} must be between 1 and 10000")]
    ServiceCount(String),
    #[error("unknown exclusion {0:?}: the team's exclusions are {1}")]
    UnknownExclusion(String, String),
    #[error("a person needs at least a name, an alias or a description")]
    PersonUnidentifiable,
    #[error("{field} is too long: at most {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("intake window of {0} days is not allowed: it must be between 7 and 30 days")]
    IntakeDays(i64),
    #[error("idle lock of {0} minutes is not allowed: it must be between 1 and 30 minutes")]
    LockMinutes(i64),
    #[error("{0} days without contact is not allowed: it must be between 14 and 365 days")]
    InactiveDays(i64),
    #[error("the period from {from} to {to} is not allowed: {why}")]
    Period { from: String, to: String, why: String },
    #[error("catchment area is not usable: {0}")]
    Catchment(String),
    #[error("unknown time zone {0:?}: use an IANA name such as America/Los_Angeles")]
    TimeZone(String),
    #[error("a referral cannot go from {from} to {to}")]
    ReferralTransition { from: String, to: String },
    #[error("unknown {what} {value:?}: expected one of {expected}")]
    UnknownValue { what: &'static str, value: String, expected: String },
    #[error("{what} {value:?} is not a valid id")]
    Id { what: &'static str, value: String },
    #[error("HMIS code {code} is not a valid {what}")]
    HmisCode { what: &'static str, code: i64 },
    #[error("duration of {0} minutes is not valid: at most 1440")]
    Duration(i64),
    #[error("a key must be 1-40 characters of a-z, 0-9 and _: {0:?}")]
    Key(String),
    #[error("the invitation code is not valid ({0}): enter it as the supervisor's device showed it")]
    InviteCode(String),
}

pub type Result<T, E = ValidationError> = std::result::Result<T, E>;

/// Checks that `value` is at most `max` characters (not bytes: names are not ASCII).
pub(crate) fn check_len(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(ValidationError::TooLong { field, max });
    }
    Ok(())
}

/// Trims `value`; `None` when nothing is left.
pub(crate) fn non_blank(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// A catalog key (service, exclusion): lowercase letters, digits and underscores.
pub fn check_key(key: &str) -> Result<()> {
    let ok = !key.is_empty()
        && key.len() <= 40
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok { Ok(()) } else { Err(ValidationError::Key(key.to_owned())) }
}
