//! Reads a serialized FileDescriptorSet (`protoc -o`, `buf build -o`).

use std::collections::BTreeMap;
use std::path::Path;

use prost::Message as _;
use prost_reflect::DescriptorPool;

use super::ProtoInput;
use crate::diag::{Diagnostic, Location};

/// Decodes the set. The roots are the files no other file imports (what `protoc -o` was
/// asked for) and every file that declares a service, so an imported service file is not
/// dropped; imports must be included.
pub fn read(path: &Path) -> Result<ProtoInput, Diagnostic> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            "descriptor-set-read",
            Location::new(&shown, 0, 0),
            format!("cannot read descriptor set: {e}"),
        )
    })?;
    let bytes = match super::editions::without_editions(&bytes) {
        Ok(Some(rewritten)) => rewritten,
        Ok(None) => bytes,
        Err(e) => {
            return Err(Diagnostic::error(
                "descriptor-set-editions",
                Location::new(&shown, 0, 0),
                e.to_string(),
            ))
        }
    };
    let set = prost_types::FileDescriptorSet::decode(bytes.as_slice()).map_err(|e| {
        Diagnostic::error(
            "descriptor-set-invalid",
            Location::new(&shown, 0, 0),
            format!("not a serialized FileDescriptorSet: {e}"),
        )
        .hint("write it with `protoc --include_imports -o FILE` or `buf build -o FILE`")
    })?;
    let names: Vec<String> = set.file.iter().map(|f| f.name().to_string()).collect();
    for file in &set.file {
        for dep in &file.dependency {
            if !names.contains(dep) {
                return Err(Diagnostic::error(
                    "descriptor-set-missing-import",
                    Location::new(&shown, 0, 0),
                    format!("`{}` imports `{dep}`, which the descriptor set does not contain", file.name()),
                )
                .hint("build the set with its imports: `protoc --include_imports` or `buf build` (which includes them)"));
            }
        }
    }
    let pool = DescriptorPool::decode(bytes.as_slice()).map_err(|e| {
        Diagnostic::error(
            "descriptor-set-invalid",
            Location::new(&shown, 0, 0),
            format!("invalid descriptors: {e}"),
        )
    })?;
    let imported: std::collections::BTreeSet<&String> =
        set.file.iter().flat_map(|f| &f.dependency).collect();
    let with_services: std::collections::BTreeSet<&str> = set
        .file
        .iter()
        .filter(|f| !f.service.is_empty())
        .map(|f| f.name())
        .collect();
    let roots = names
        .iter()
        .filter(|n| !imported.contains(n) || with_services.contains(n.as_str()))
        .cloned()
        .collect();
    Ok(ProtoInput {
        pool,
        roots,
        display_paths: BTreeMap::new(),
        read_paths: vec![path.to_path_buf()],
    })
}
