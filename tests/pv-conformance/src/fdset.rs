//! The case descriptor set: captured from the harness (`--dump --proto`) as the union of every
//! suite's descriptors, and checked against each request so a stale fixture never passes.

use std::collections::BTreeMap;

use prost::Message;

use crate::harness::{FileHeader, RawFileSet, ResultSet};

/// The descriptor set this executor was generated from (`cases.binpb`).
pub const FIXTURE: &[u8] = include_bytes!("../cases.binpb");

/// Why a descriptor set could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Not a protobuf message of the expected shape.
    #[error("cannot decode {what}: {source}")]
    Decode {
        /// What was being decoded.
        what: &'static str,
        /// The cause.
        #[source]
        source: prost::DecodeError,
    },
    /// Two suites carry different descriptors under one file name.
    #[error("two suites disagree on the descriptor of {0}")]
    Conflict(String),
}

fn decode<M: Message + Default>(what: &'static str, bytes: &[u8]) -> Result<M, Error> {
    M::decode(bytes).map_err(|source| Error::Decode { what, source })
}

/// The files of a set by name.
fn by_name(set: &RawFileSet) -> Result<BTreeMap<String, (FileHeader, &[u8])>, Error> {
    let mut out = BTreeMap::new();
    for file in &set.file {
        let header: FileHeader = decode("a FileDescriptorProto", file)?;
        out.insert(header.name.clone(), (header, file.as_slice()));
    }
    Ok(out)
}

/// The union of every suite's descriptors in a `--dump --proto` result set, each file after its
/// imports and otherwise in name order, so the output depends only on the descriptors.
pub fn union_of_dump(dump: &[u8]) -> Result<Vec<u8>, Error> {
    let set: ResultSet = decode("the harness's result set", dump)?;
    let mut files: BTreeMap<String, (FileHeader, Vec<u8>)> = BTreeMap::new();
    for suite in &set.suites {
        let Some(fdset) = &suite.fdset else { continue };
        for (name, (header, bytes)) in by_name(fdset)? {
            match files.get(&name) {
                Some((_, seen)) if seen != bytes => return Err(Error::Conflict(name)),
                Some(_) => {}
                None => {
                    files.insert(name, (header, bytes.to_vec()));
                }
            }
        }
    }
    let mut ordered = Vec::with_capacity(files.len());
    let mut done = std::collections::BTreeSet::new();
    let names: Vec<String> = files.keys().cloned().collect();
    for name in names {
        push_after_imports(&name, &files, &mut done, &mut ordered);
    }
    Ok(RawFileSet { file: ordered }.encode_to_vec())
}

fn push_after_imports(
    name: &str,
    files: &BTreeMap<String, (FileHeader, Vec<u8>)>,
    done: &mut std::collections::BTreeSet<String>,
    out: &mut Vec<Vec<u8>>,
) {
    if !done.insert(name.to_string()) {
        return;
    }
    let Some((header, bytes)) = files.get(name) else {
        return;
    };
    for dep in &header.dependency {
        push_after_imports(dep, files, done, out);
    }
    out.push(bytes.clone());
}

/// The files of a request that are missing from the fixture or differ from it.
pub fn stale_files(request: &RawFileSet) -> Result<Vec<String>, Error> {
    let fixture: RawFileSet = decode("the fixture", FIXTURE)?;
    let known = by_name(&fixture)?;
    let mut stale = Vec::new();
    for (name, (_, bytes)) in by_name(request)? {
        if known.get(&name).map(|(_, b)| *b) != Some(bytes) {
            stale.push(name);
        }
    }
    Ok(stale)
}
