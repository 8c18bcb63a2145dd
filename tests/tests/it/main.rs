//! Scenario tests: real processes on real encrypted stores.

mod crash;
mod relay;
mod sync;
