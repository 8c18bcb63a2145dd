//! Integration tests of the relay: the real server on 127.0.0.1 port 0 over real
//! SQLite files in temporary directories, driven with reqwest, over plain HTTP and
//! TLS (a self-signed certificate made per test); and the real binary.

mod common;

mod auth;
mod cli;
mod crash;
mod keys;
mod limits;
mod sync;
mod tls;
