//! Scenario tests: real processes on real encrypted stores.

mod consent;
mod crash;
mod relay;
mod sync;
