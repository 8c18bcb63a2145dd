//! Scenario tests: real processes on real encrypted stores.

mod crash;
