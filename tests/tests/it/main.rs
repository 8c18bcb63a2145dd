//! Scenario tests: real processes on real encrypted stores.

mod audit;
mod consent;
mod crash;
mod kill;
mod protection;
mod relay;
mod sync;
