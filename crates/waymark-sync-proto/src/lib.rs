//! Waymark's sync protocol, shared by devices and the relay: the versioned wire types,
//! the sans-IO sync session (what to send next, what a response means), and the
//! sealing of change entries and invitations (keys stay on devices).
//!
//! No sockets, no clock, no randomness of its own: callers pass them in.

pub mod code;
pub mod error;
pub mod seal;
pub mod session;
pub mod wire;

pub use error::{ProtoError, Result};
