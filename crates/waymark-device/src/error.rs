//! Errors of the device API, each with a stable code that the CLI maps to an exit code
//! and the app's UI branches on.

use thiserror::Error;
use waymark_domain::ValidationError;
use waymark_store::StoreError;
use waymark_sync_proto::ProtoError;

impl From<ProtoError> for DeviceError {
    fn from(e: ProtoError) -> Self {
        match e {
            ProtoError::Code(m) => DeviceError::Invalid(ValidationError::InviteCode(m)),
            other => DeviceError::RelayRefused(other.to_string()),
        }
    }
}

#[derive(Debug, Error)]
pub enum DeviceError {
    #[error("not permitted: {0}")]
    NotPermitted(String),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(StoreError),
    #[error("relay unreachable: {0}")]
    RelayUnreachable(String),
    #[error("the relay refused: {0}")]
    RelayRefused(String),
    #[error("this device was revoked by the team; its local data has been wiped")]
    DeviceRevoked,
    /// The app holds no open store: it is locked (or was never unlocked).
    #[error("the app is locked: unlock it with the passphrase")]
    Locked,
    #[error("this device is not enrolled with a relay: run `waymark enroll --relay URL --code CODE`")]
    NotEnrolled,
    /// A wrong passphrase at the app's unlock, counted (see `unlock.rs`).
    #[error("wrong passphrase{}", crate::unlock::wrong_warning(*.attempts_left, *.wait_seconds))]
    WrongPassphrase { attempts_left: u32, wait_seconds: u64 },
    /// Too many wrong passphrases: unlock is refused until the lockout ends.
    #[error(
        "too many wrong passphrases: unlock again in {}; {attempts_left} more wrong {} will destroy this device's keys and erase its data for good",
        crate::unlock::duration_words(*.wait_seconds),
        if *.attempts_left == 1 { "attempt" } else { "attempts" }
    )]
    LockedOut { wait_seconds: u64, attempts_left: u32 },
    /// The 10th wrong passphrase destroyed the store's keys.
    #[error(
        "{} wrong passphrases in a row: this device's keys were destroyed and its data can no longer be read; set it up again",
        crate::unlock::WIPE_AFTER
    )]
    Wiped,
}

impl From<StoreError> for DeviceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(v) => DeviceError::Invalid(v),
            StoreError::NotFound { what, id } => DeviceError::NotFound { what, id },
            other => DeviceError::Store(other),
        }
    }
}

/// What kind of failure, for programs: stable names that never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotPermitted,
    Invalid,
    NotFound,
    Conflict,
    WrongPassphrase,
    NotInitialized,
    AlreadyInitialized,
    Storage,
    RelayUnreachable,
    RelayRefused,
    DeviceRevoked,
    NotEnrolled,
    Locked,
    /// Unlock is refused for a while after repeated wrong passphrases.
    LockedOut,
    /// Repeated wrong passphrases destroyed the local keys; the store is gone.
    Wiped,
}

impl DeviceError {
    pub fn code(&self) -> ErrorCode {
        match self {
            DeviceError::NotPermitted(_) => ErrorCode::NotPermitted,
            DeviceError::Invalid(_) => ErrorCode::Invalid,
            DeviceError::NotFound { .. } => ErrorCode::NotFound,
            DeviceError::Conflict(_) => ErrorCode::Conflict,
            DeviceError::Store(StoreError::WrongPassphrase(_)) => ErrorCode::WrongPassphrase,
            DeviceError::Store(StoreError::WeakPassphrase(_)) => ErrorCode::Invalid,
            DeviceError::Store(StoreError::NotInitialized(_)) => ErrorCode::NotInitialized,
            DeviceError::Store(StoreError::AlreadyInitialized(_)) => ErrorCode::AlreadyInitialized,
            DeviceError::Store(_) => ErrorCode::Storage,
            DeviceError::RelayUnreachable(_) => ErrorCode::RelayUnreachable,
            DeviceError::RelayRefused(_) => ErrorCode::RelayRefused,
            DeviceError::DeviceRevoked => ErrorCode::DeviceRevoked,
            DeviceError::NotEnrolled => ErrorCode::NotEnrolled,
            DeviceError::Locked => ErrorCode::Locked,
            DeviceError::WrongPassphrase { .. } => ErrorCode::WrongPassphrase,
            DeviceError::LockedOut { .. } => ErrorCode::LockedOut,
            DeviceError::Wiped => ErrorCode::Wiped,
        }
    }
}

pub type Result<T, E = DeviceError> = std::result::Result<T, E>;
