//! Repository tasks behind `cargo xtask`: regenerating the checked-in example, writing synthetic
//! schemas of any size, and benchmarking the generator against tonic-prost-build.
//!
//! ```text
//! cargo xtask gen [--check]
//! cargo xtask synth [--rpcs N] [--files M] --out DIR
//! cargo xtask bench-codegen [--quick]
//! cargo xtask zitadel [--quick] [--only zitadel/auth.proto]
//! ```
#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

pub mod bench;
pub mod example;
pub mod synth;
pub mod zitadel;

use std::path::PathBuf;

/// The workspace root, found from this crate's manifest directory so every task works from any
/// working directory.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
