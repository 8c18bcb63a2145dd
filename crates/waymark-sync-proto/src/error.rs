//! Errors of the sync protocol.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ProtoError {
    #[error("bad request: {0}")]
    Invalid(String),
    #[error("unsupported protocol version {0} (this side speaks {1})")]
    Version(u32, u32),
    #[error("the invitation code is malformed: {0}")]
    Code(String),
    #[error("could not decrypt: wrong key or damaged data")]
    Decrypt,
    #[error("the relay's answer does not fit the request: {0}")]
    Unexpected(String),
}

pub type Result<T, E = ProtoError> = std::result::Result<T, E>;
