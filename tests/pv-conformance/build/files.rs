//! The fixture's files read raw: names, imports, syntax and message names, enough to leave out
//! what protogate cannot load without touching the rest.

use prost::Message;

/// A `FileDescriptorSet` with each file kept encoded.
#[derive(Clone, PartialEq, prost::Message)]
struct RawFileSet {
    #[prost(bytes = "vec", repeated, tag = "1")]
    file: Vec<Vec<u8>>,
}

/// The parts of a `FileDescriptorProto` read here.
#[derive(Clone, PartialEq, prost::Message)]
struct Header {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(string, tag = "2")]
    package: String,
    #[prost(string, repeated, tag = "3")]
    dependency: Vec<String>,
    #[prost(message, repeated, tag = "4")]
    message_type: Vec<MessageName>,
    #[prost(string, tag = "12")]
    syntax: String,
}

/// A `DescriptorProto`'s name and nested messages.
#[derive(Clone, PartialEq, prost::Message)]
struct MessageName {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(message, repeated, tag = "3")]
    nested_type: Vec<MessageName>,
}

/// One file of the fixture.
pub struct File {
    header: Header,
    bytes: Vec<u8>,
}

/// The files of an encoded descriptor set, in its order.
pub fn read(bytes: &[u8]) -> Result<Vec<File>, prost::DecodeError> {
    RawFileSet::decode(bytes)?
        .file
        .into_iter()
        .map(|bytes| {
            Ok(File {
                header: Header::decode(bytes.as_slice())?,
                bytes,
            })
        })
        .collect()
}

impl File {
    /// The encoded `FileDescriptorProto`.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// The set of these encoded files.
pub fn encode(files: &[Vec<u8>]) -> Vec<u8> {
    RawFileSet {
        file: files.to_vec(),
    }
    .encode_to_vec()
}

/// The files protogate loads, and for the others each message's full name with the reason.
/// Editions files are out (the descriptor loader reads proto2 and proto3 only), and so is every
/// file importing one, directly or not.
pub fn split_loadable(files: &[File]) -> (Vec<&File>, Vec<(String, String)>) {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut excluded: Vec<(&str, String)> = Vec::new();
    let mut loadable = Vec::new();
    // Imports come first in the fixture, so one pass sees every import's verdict.
    for file in files {
        let h = &file.header;
        let reason = if h.syntax == "editions" {
            Some(format!(
                "{} uses editions syntax, which protogate's descriptor loader does not read",
                h.name
            ))
        } else {
            h.dependency.iter().find_map(|d| {
                excluded
                    .iter()
                    .find(|(n, _)| n == d)
                    .map(|_| format!("{} imports {d}, which protogate cannot load", h.name))
            })
        };
        match reason {
            Some(reason) => {
                let mut names = Vec::new();
                for m in &h.message_type {
                    collect_names(&h.package, m, &mut names);
                }
                out.extend(names.into_iter().map(|n| (n, reason.clone())));
                excluded.push((h.name.as_str(), reason));
            }
            None => loadable.push(file),
        }
    }
    (loadable, out)
}

fn collect_names(scope: &str, m: &MessageName, out: &mut Vec<String>) {
    let full = if scope.is_empty() {
        m.name.clone()
    } else {
        format!("{scope}.{}", m.name)
    };
    for nested in &m.nested_type {
        collect_names(&full, nested, out);
    }
    out.push(full);
}
