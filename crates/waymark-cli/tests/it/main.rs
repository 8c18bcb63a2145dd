//! Integration tests of the `waymark` command line: the real binary, a fresh encrypted
//! store per test, and the contract's JSON, exit codes and error lines
//! (`/work/shared/CONTRACT.md`).

mod at_rest;
mod encounters;
mod errors;
mod export;
mod init;
mod online;
mod persons;
mod referrals;
mod report;
mod roles;
mod support;
mod tls;
