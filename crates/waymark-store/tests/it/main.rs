//! Store tests on real encrypted SQLite files: direct exchange between two stores,
//! convergence under random edit orders, durability details, encryption at rest.

mod convergence;
mod encryption;
mod exchange;
mod support;
