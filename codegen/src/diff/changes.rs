//! The changes no breaking rule flags — what was added or moved, and comments — so the report
//! reads as a full changelog. None of these is breaking.

use std::collections::{BTreeMap, BTreeSet};

use super::source::{self, child, path, Files};
use super::Finding;

/// Additions (files, services, RPCs, messages, fields, oneofs, enums, values), moves between
/// files, and comment-only changes.
pub fn run(old_files: &Files, new_files: &Files) -> Vec<Finding> {
    let old_index = Index::of(old_files);
    let new_index = Index::of(new_files);
    let mut out = Vec::new();
    for (name, (_, spans)) in &new_files.files {
        if !old_files.files.contains_key(name) {
            out.push(Finding::own(
                "FILE_ADDED",
                false,
                spans.at(&[]),
                name,
                format!("File \"{name}\" was added."),
            ));
        }
    }
    for (key, element) in &new_index.elements {
        let Some((_, new_spans)) = new_files.files.get(&element.file) else {
            continue;
        };
        let Some(before) = old_index.elements.get(key) else {
            // Everything in a new file is announced by its FILE_ADDED.
            if old_files.files.contains_key(&element.file) {
                out.push(Finding::own(
                    element.added_rule,
                    false,
                    new_spans.at(&element.path),
                    &element.name,
                    format!("{} \"{}\" was added.", element.kind_name, element.name),
                ));
            }
            continue;
        };
        if before.file != element.file {
            if key.0 != "field" && key.0 != "value" {
                out.push(Finding::own(
                    "ELEMENT_MOVED",
                    false,
                    new_spans.at(&element.path),
                    &element.name,
                    format!(
                        "{} \"{}\" moved from \"{}\" to \"{}\".",
                        element.kind_name, element.name, before.file, element.file
                    ),
                ));
            }
            continue;
        }
        let Some((_, old_spans)) = old_files.files.get(&before.file) else {
            continue;
        };
        if old_spans.comment(&before.path) != new_spans.comment(&element.path) {
            out.push(Finding::own(
                "COMMENT_CHANGED",
                false,
                new_spans.at(&element.path),
                &element.name,
                format!(
                    "The comment on {} \"{}\" changed.",
                    element.kind_name.to_lowercase(),
                    element.name
                ),
            ));
        }
    }
    out
}

/// One element a change can be about.
struct Element {
    /// The file (proto name) that declares it.
    file: String,
    /// Its descriptor path in that file.
    path: Vec<i32>,
    /// Fully qualified (fields and values: their parent's name, then their own).
    name: String,
    /// `Message`, `Field`, …
    kind_name: &'static str,
    /// The rule ID an addition reports.
    added_rule: &'static str,
}

/// Every element of one version, keyed by (kind, identity): messages, enums, services and
/// oneofs by full name, RPCs by service and name, fields and enum values by parent and
/// number (the wire identity).
struct Index {
    elements: BTreeMap<(&'static str, String), Element>,
}

impl Index {
    fn of(files: &Files) -> Index {
        let mut elements = BTreeMap::new();
        for (name, (file, _)) in &files.files {
            let mut add = |kind: &'static str,
                           identity: String,
                           path: Vec<i32>,
                           shown: String,
                           kind_name: &'static str,
                           added_rule: &'static str| {
                elements.insert(
                    (kind, identity),
                    Element {
                        file: name.clone(),
                        path,
                        name: shown,
                        kind_name,
                        added_rule,
                    },
                );
            };
            for m in source::messages(file) {
                if m.proto.options.as_ref().is_some_and(|o| o.map_entry()) {
                    continue;
                }
                add(
                    "message",
                    m.full_name.clone(),
                    m.path.clone(),
                    m.full_name.clone(),
                    "Message",
                    "MESSAGE_ADDED",
                );
                let synthetic: BTreeSet<i32> = m
                    .proto
                    .field
                    .iter()
                    .filter(|f| f.proto3_optional())
                    .filter_map(|f| f.oneof_index)
                    .collect();
                for (i, f) in m.proto.field.iter().enumerate() {
                    add(
                        "field",
                        format!("{}#{}", m.full_name, f.number()),
                        child(&m.path, &[path::MESSAGE_FIELD, i as i32]),
                        format!("{}.{}", m.full_name, f.name()),
                        "Field",
                        "FIELD_ADDED",
                    );
                }
                for (i, o) in m.proto.oneof_decl.iter().enumerate() {
                    if synthetic.contains(&(i as i32)) {
                        continue;
                    }
                    let full = format!("{}.{}", m.full_name, o.name());
                    add(
                        "oneof",
                        full.clone(),
                        child(&m.path, &[path::MESSAGE_ONEOF, i as i32]),
                        full,
                        "Oneof",
                        "ONEOF_ADDED",
                    );
                }
            }
            for e in source::enums(file) {
                add(
                    "enum",
                    e.full_name.clone(),
                    e.path.clone(),
                    e.full_name.clone(),
                    "Enum",
                    "ENUM_ADDED",
                );
                for (i, v) in e.proto.value.iter().enumerate() {
                    add(
                        "value",
                        format!("{}#{}", e.full_name, v.number()),
                        child(&e.path, &[path::ENUM_VALUE, i as i32]),
                        format!("{}.{}", e.full_name, v.name()),
                        "Enum value",
                        "ENUM_VALUE_ADDED",
                    );
                }
            }
            for (i, s) in file.service.iter().enumerate() {
                let full = if file.package().is_empty() {
                    s.name().to_string()
                } else {
                    format!("{}.{}", file.package(), s.name())
                };
                let spath = vec![path::FILE_SERVICE, i as i32];
                add(
                    "service",
                    full.clone(),
                    spath.clone(),
                    full.clone(),
                    "Service",
                    "SERVICE_ADDED",
                );
                for (j, m) in s.method.iter().enumerate() {
                    let rpc = format!("{full}.{}", m.name());
                    add(
                        "rpc",
                        rpc.clone(),
                        child(&spath, &[path::SERVICE_METHOD, j as i32]),
                        rpc,
                        "RPC",
                        "RPC_ADDED",
                    );
                }
            }
        }
        Index { elements }
    }
}
