//! The knobs schema generated twice by build.rs: `server` (one service, `Bytes`, `BTreeMap` and
//! boxed fields, extra attributes) and `lean` (messages only: no JSON, no validators).
// The generated code must compile without a warning (a deprecated field read by a validator
// is an expected lint on that validator alone).
#![deny(warnings)]

/// `knobs.v1` with protogate's server side for `PingService` only.
pub mod server {
    include!(concat!(env!("OUT_DIR"), "/server/knobs.v1.rs"));
    include!(concat!(env!("OUT_DIR"), "/server/knobs.v1.protogate.rs"));
}

/// `knobs.v1` as plain prost messages.
pub mod lean {
    include!(concat!(env!("OUT_DIR"), "/lean/knobs.v1.rs"));
    include!(concat!(env!("OUT_DIR"), "/lean/knobs.v1.protogate.rs"));
}

/// `knobs.uses.v1`, whose `knobs.v1` types are [`server`]'s (`extern_path`).
pub mod uses {
    include!(concat!(env!("OUT_DIR"), "/uses/knobs.uses.v1.rs"));
    include!(concat!(env!("OUT_DIR"), "/uses/knobs.uses.v1.protogate.rs"));
}
