//! ZITADEL's whole published API as a descriptor set, for the tests that run on it:
//! `PROTOGATE_ZITADEL_SET`, else `target/zitadel/zitadel.binpb`, else written there by
//! `tests/zitadel/extract.sh` (needs node). `None` when none can be had.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn zitadel_set() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PROTOGATE_ZITADEL_SET") {
        return Some(PathBuf::from(path));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/zitadel/zitadel.binpb");
    if out.is_file() {
        return Some(out);
    }
    std::fs::create_dir_all(out.parent()?).ok()?;
    let status = Command::new("bash")
        .arg(root.join("tests/zitadel/extract.sh"))
        .arg(&out)
        .status()
        .ok()?;
    (status.success() && out.is_file()).then_some(out)
}
