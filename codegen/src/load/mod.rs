//! Reading the inputs: proto files (through protox), descriptor sets, the OpenAPI document.

pub mod descriptor_set;
pub mod editions;
pub mod openapi;
pub mod proto;

use std::collections::BTreeMap;

use prost_reflect::DescriptorPool;

/// Compiled proto input: the pool (options and all) and where each file came from.
#[derive(Debug, Clone)]
pub struct ProtoInput {
    /// Every file, imports included, with custom options readable.
    pub pool: DescriptorPool,
    /// The files asked for (their proto names); code is generated for these and their imports.
    pub roots: Vec<String>,
    /// Proto name → the path shown in diagnostics.
    pub display_paths: BTreeMap<String, String>,
    /// The files read from disk (for `cargo:rerun-if-changed`).
    pub read_paths: Vec<std::path::PathBuf>,
}

impl ProtoInput {
    /// The path to show for a proto file name.
    pub fn display_path(&self, proto_name: &str) -> String {
        self.display_paths
            .get(proto_name)
            .cloned()
            .unwrap_or_else(|| proto_name.to_string())
    }
}
