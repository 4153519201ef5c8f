//! ZITADEL's phone endpoints (`zitadel.auth.v1.AuthService`) served by protogate: an
//! event-sourced phone verification server on SQLite or PostgreSQL.
//!
//! `api` and [`reference`] are generated from `schemas/` by `cargo xtask gen` and checked in;
//! never edit them.
//! [`phones::Phones`] implements its handler trait; [`app::App`] wires it to a store, the keys and
//! the server; `src/main.rs` is the `verify-phone` command line.

#[path = "generated/mod.rs"]
pub mod api;

/// The API's reference, generated with [`api`]: the OpenAPI document and the HTML pages the
/// server serves at `/openapi.json` and `/docs`.
pub mod reference {
    /// The OpenAPI 3.1 document emitted from the proto.
    pub static OPENAPI: &str = include_str!("generated/openapi.json");

    include!("generated/docs/pages.rs");
}

pub mod app;
pub mod banner;
pub mod code;
pub mod config;
pub mod errors;
pub mod events;
pub mod keys;
pub mod limits;
pub mod metrics;
pub mod notify;
pub mod phones;
pub mod state;
pub mod store;
pub mod token;
