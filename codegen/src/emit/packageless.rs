//! What pbjson-build reads: the descriptors, with files that have no `package` statement given a
//! stand-in package, since pbjson-build 0.9 panics on them ("expected package").
//!
//! prost-build and tonic put such files at the root of the generated tree (prost's `_.rs`,
//! gRPC path `/Pinger/Ping`); pbjson-build is the one generator that cannot. Its output for the
//! stand-in package is written as if the code sat one module below the root, so the stand-in's
//! one `super::` is dropped from it, and other packages' references to root types lose the
//! stand-in's module segment.

use prost::Message as _;
use prost_reflect::DescriptorPool;
use prost_types::DescriptorProto;

use super::enum_names::Renames;

/// The stand-in's preferred name; a package starting with it makes the name grow.
const STAND_IN: &str = "protogate_packageless";

/// The encoded descriptors pbjson-build reads, and how its output maps back.
pub struct JsonInput {
    /// An encoded `FileDescriptorSet`.
    pub descriptors: Vec<u8>,
    /// The stand-in package, when some file has no package.
    stand_in: Option<String>,
}

impl JsonInput {
    /// The descriptors of `pool` with `renames` applied and packageless files moved into the
    /// stand-in package.
    pub fn new(pool: &DescriptorPool, renames: &Renames) -> JsonInput {
        let stand_in = pool
            .files()
            .any(|f| f.package_name().is_empty())
            .then(|| stand_in_name(pool));
        let file = pool
            .files()
            .map(|f| {
                let mut proto = f.file_descriptor_proto().clone();
                renames.apply(&mut proto);
                if let Some(stand_in) = &stand_in {
                    if proto.package().is_empty() {
                        proto.package = Some(stand_in.clone());
                    }
                    for message in &mut proto.message_type {
                        requalify(message, pool, stand_in);
                    }
                }
                proto
            })
            .collect();
        JsonInput {
            descriptors: prost_types::FileDescriptorSet { file }.encode_to_vec(),
            stand_in,
        }
    }

    /// The pbjson-build prefix that selects the types of `package` (`.demo.shop`).
    pub fn prefix(&self, package: &str) -> String {
        match &self.stand_in {
            Some(stand_in) if package.is_empty() => format!(".{stand_in}"),
            _ => format!(".{package}"),
        }
    }

    /// pbjson's output for `package` (as pbjson named it), as the proto package it belongs to
    /// and code that refers to root types where prost put them.
    pub fn restore(&self, package: &str, code: String) -> (String, String) {
        match &self.stand_in {
            None => (package.to_string(), code),
            Some(stand_in) if package == stand_in => {
                (String::new(), remove_path_segment(&code, "super"))
            }
            Some(stand_in) => (package.to_string(), remove_path_segment(&code, stand_in)),
        }
    }
}

/// A package name no file uses as its first part.
fn stand_in_name(pool: &DescriptorPool) -> String {
    let mut name = STAND_IN.to_string();
    while pool
        .files()
        .any(|f| f.package_name().split('.').next() == Some(name.as_str()))
    {
        name.push('_');
    }
    name
}

/// Points the fields of `message` (nested messages included) that name a root type at the
/// stand-in package.
fn requalify(message: &mut DescriptorProto, pool: &DescriptorPool, stand_in: &str) {
    for field in &mut message.field {
        let Some(name) = field.type_name.as_deref().and_then(|t| t.strip_prefix('.')) else {
            continue;
        };
        let package = pool
            .get_message_by_name(name)
            .map(|m| m.package_name().to_string())
            .or_else(|| {
                pool.get_enum_by_name(name)
                    .map(|e| e.package_name().to_string())
            });
        if package.as_deref() == Some("") {
            field.type_name = Some(format!(".{stand_in}.{name}"));
        }
    }
    for nested in &mut message.nested_type {
        requalify(nested, pool, stand_in);
    }
}

/// `code` without the path segment `segment::` wherever it starts a path segment (not where it
/// ends a longer identifier).
fn remove_path_segment(code: &str, segment: &str) -> String {
    let needle = format!("{segment}::");
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(i) = rest.find(&needle) {
        let boundary = rest[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '#'));
        out.push_str(&rest[..i]);
        if !boundary {
            out.push_str(&needle);
        }
        rest = &rest[i + needle.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::remove_path_segment;

    #[test]
    fn removes_only_whole_path_segments() {
        assert_eq!(
            remove_path_segment("super::demo::Price; my_super::x; super::super::Y", "super"),
            "demo::Price; my_super::x; Y"
        );
    }
}
