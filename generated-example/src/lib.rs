//! ZITADEL's phone endpoints (`zitadel.auth.v1.AuthService`) served by protogate: an
//! event-sourced phone verification server on SQLite or PostgreSQL.
//!
//! `api` is generated from `schemas/` by `cargo xtask gen` and checked in; never edit it.
//! [`phones::Phones`] implements its handler trait; [`app::App`] wires it to a store, the keys and
//! the server; `src/main.rs` is the `verify-phone` command line.

#[path = "generated/mod.rs"]
pub mod api;

pub mod app;
pub mod banner;
pub mod code;
pub mod config;
pub mod errors;
pub mod events;
pub mod keys;
pub mod notify;
pub mod phones;
pub mod state;
pub mod store;
pub mod token;
