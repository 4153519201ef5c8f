//! ZITADEL's phone endpoints (`zitadel.auth.v1.AuthService`) served by protogate.
//!
//! `api` is generated from `schemas/` by `cargo xtask gen` and checked in; never edit it.

#[path = "generated/mod.rs"]
pub mod api;
