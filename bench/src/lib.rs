//! Serving benchmarks and the reliability harness of protogate.
//!
//! Two servers do the same work ([`logic`], on either [`store`]) behind the same tokens ([`auth`]): [`baseline`],
//! written by hand with tonic, tonic-web and axum, and [`gate`], the example's generated code
//! on protogate's runtime. The `protogate-bench` binary starts both, and the peers under
//! `bench/peers/` (connectrpc, connect-node), and drives load at them ([`load`]); `tests/` holds the auth matrix. The runtime's property and fuzz targets live in
//! `runtime/props` and `runtime/fuzz`.
#![warn(missing_docs, rust_2018_idioms)]

pub mod abuse;
pub mod auth;
pub mod baseline;
pub mod client;
pub mod faults;
pub mod gate;
pub mod load;
pub mod logic;
pub mod refusal;
pub mod serve;
pub mod stop;
pub mod store;
