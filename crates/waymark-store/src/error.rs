//! Errors of the device store.

use std::path::PathBuf;

use thiserror::Error;
use waymark_domain::ValidationError;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("wrong passphrase: the store in {0} could not be unlocked")]
    WrongPassphrase(PathBuf),
    #[error("no device store in {0}: run `waymark --data {0} init --role ROLE` first")]
    NotInitialized(PathBuf),
    #[error("a device store already exists in {0}")]
    AlreadyInitialized(PathBuf),
    #[error("the passphrase must be at least {0} characters")]
    WeakPassphrase(usize),
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error("the store is damaged: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database value error: {0}")]
    SqlValue(#[from] rusqlite::types::FromSqlError),
    #[error("document error: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    #[error("file error on {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("key derivation failed: {0}")]
    Kdf(String),
    #[error("no randomness available from the operating system: {0}")]
    Random(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Fills `buf` from the operating system's random source.
pub(crate) fn random_bytes(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| StoreError::Random(e.to_string()))
}
