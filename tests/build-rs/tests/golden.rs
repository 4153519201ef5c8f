//! The library fixture's generated Rust is checked in under `codegen/tests/golden/library`:
//! this crate compiles exactly those files (its build.rs writes them to OUT_DIR) and this test
//! fails when the two differ, so a generator change to streaming, oneofs, maps or well-known
//! types shows up as a reviewed diff. After an intended change, rewrite the golden files with
//! `PROTOGATE_BLESS=1 cargo test -p protogate-build-rs-test --test golden` and review the diff.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The generated Rust files of `dir` (not the reference pages), by name.
fn rust_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "rs"))
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            Some((name, std::fs::read(&p).ok()?))
        })
        .collect()
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../codegen/tests/golden/library")
}

#[test]
fn the_compiled_output_is_the_checked_in_golden_output() {
    let compiled = rust_files(Path::new(env!("OUT_DIR")));
    assert!(compiled.contains_key("mod.rs"), "build.rs wrote no mod.rs");
    let golden = golden_dir();
    if std::env::var_os("PROTOGATE_BLESS").is_some() {
        std::fs::create_dir_all(&golden).expect("create the golden directory");
        for stale in rust_files(&golden)
            .keys()
            .filter(|n| !compiled.contains_key(*n))
        {
            std::fs::remove_file(golden.join(stale)).expect("remove a stale golden file");
        }
        for (name, text) in &compiled {
            std::fs::write(golden.join(name), text).expect("write a golden file");
        }
    }
    let checked_in = rust_files(&golden);
    let mut problems = Vec::new();
    for (name, text) in &compiled {
        match checked_in.get(name) {
            None => problems.push(format!("{name}: generated, not checked in")),
            Some(old) if old != text => problems.push(format!("{name}: differs")),
            Some(_) => {}
        }
    }
    for name in checked_in.keys().filter(|n| !compiled.contains_key(*n)) {
        problems.push(format!("{name}: checked in, no longer generated"));
    }
    assert!(
        problems.is_empty(),
        "codegen/tests/golden/library is stale (rerun with PROTOGATE_BLESS=1 and review the \
         diff):\n{}",
        problems.join("\n")
    );
}
