//! Scenario tests: real processes on real encrypted stores.

mod audit;
mod consent;
mod crash;
mod protection;
mod relay;
mod sync;
