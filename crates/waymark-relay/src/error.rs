//! Errors of the relay library, each with the HTTP answer it maps to.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum RelayError {
    /// The request is malformed or breaks a wire rule (400).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// No valid device token (401).
    #[error("unauthorized")]
    Unauthorized,
    /// The token belongs to a revoked device (401 `device_revoked`).
    #[error("this device has been revoked")]
    DeviceRevoked,
    /// The device's role or audience does not allow this (403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// An invitation that is unknown, expired, already used or does not match (403).
    #[error("the invitation is invalid, expired or already used")]
    InviteInvalid,
    /// No such thing in the caller's team (404).
    #[error("not found: {0}")]
    NotFound(String),
    /// The body is over the limit (413).
    #[error("the request body is too large")]
    TooLarge,
    /// Too many requests from one device (429).
    #[error("too many requests")]
    RateLimited,
    /// The database failed.
    #[error("storage: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// Something that should not happen (corrupt row, no randomness, a failed task).
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = RelayError> = std::result::Result<T, E>;
