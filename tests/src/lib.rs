//! Scenario tests across crates live in `tests/it`; this library holds only what the
//! helper processes they start share.

/// The passphrase scenario stores are created with.
pub const PASSPHRASE: &str = "scenario passphrase";
