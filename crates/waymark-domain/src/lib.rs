//! Waymark's domain core: the records of a diversion program, who may see and do what,
//! referral eligibility, the intake clock and duplicate scoring.
//!
//! This crate does no IO: no files, no clock, no randomness, no automerge, no SQLite.
//! Time and new ids are passed in by the caller.

pub mod audit;
pub mod consent;
pub mod duplicates;
pub mod eligibility;
pub mod encounter;
pub mod error;
pub mod export;
pub mod hmis;
pub mod ids;
pub mod location;
pub mod note;
pub mod person;
pub mod referral;
pub mod report;
pub mod role;
pub mod team;
pub mod time;

pub use error::{Result, ValidationError};
pub use ids::{ConsentId, DeviceId, EncounterId, NoteId, PersonId, ReferralId};
