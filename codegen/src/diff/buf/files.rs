//! File-scoped rules: a file deleted, its package, syntax and options changed, and what was
//! deleted from a file that is still there (matched by nested name within the file).

use prost_types::FileOptions;

use super::{nested_name, syntax_of, Cx};
use crate::diag::Location;
use crate::diff::source::{self, path};

pub(super) fn run(cx: &mut Cx<'_>) {
    let names: Vec<String> = cx.compared_old.iter().cloned().collect();
    for name in names {
        let Some((old_file, old_spans)) = cx.old.files.get(&name) else {
            continue;
        };
        let Some((new_file, new_spans)) = cx.new.files.get(&name) else {
            cx.push(
                "FILE_NO_DELETE",
                Location::new(&old_spans.file, 0, 0),
                name.clone(),
                format!("Previously present file {name:?} was deleted."),
            );
            continue;
        };
        if old_file.package() != new_file.package() {
            cx.push(
                "FILE_SAME_PACKAGE",
                new_spans.at(&[path::FILE_PACKAGE]),
                name.clone(),
                format!(
                    "File package changed from {:?} to {:?}.",
                    old_file.package(),
                    new_file.package()
                ),
            );
        }
        let (old_syntax, new_syntax) = (
            syntax_of(&cx.old.pool, &name),
            syntax_of(&cx.new.pool, &name),
        );
        if old_syntax != new_syntax {
            cx.push(
                "FILE_SAME_SYNTAX",
                new_spans.at(&[path::FILE_SYNTAX]),
                name.clone(),
                format!("File syntax changed from {old_syntax:?} to {new_syntax:?}."),
            );
        }
        let default = FileOptions::default();
        let old_options = old_file.options.as_ref().unwrap_or(&default);
        let new_options = new_file.options.as_ref().unwrap_or(&default);
        for &(rule, option, number, read) in FILE_OPTIONS {
            let (before, after) = (read(old_options), read(new_options));
            if before != after {
                cx.push(
                    rule,
                    new_spans.at(&[path::FILE_OPTIONS, number]),
                    name.clone(),
                    format!("File option {option:?} changed from {before:?} to {after:?}."),
                );
            }
        }
        deleted_from_file(cx, &name, old_file, new_file);
    }
}

type ReadOption = fn(&FileOptions) -> String;

/// buf's file-option rules: the option, its field number, and its value as buf prints it
/// (an unset option reads as its default).
const FILE_OPTIONS: &[(&str, &str, i32, ReadOption)] = &[
    ("FILE_SAME_JAVA_PACKAGE", "java_package", 1, |o| {
        o.java_package().to_string()
    }),
    (
        "FILE_SAME_JAVA_OUTER_CLASSNAME",
        "java_outer_classname",
        8,
        |o| o.java_outer_classname().to_string(),
    ),
    ("FILE_SAME_OPTIMIZE_FOR", "optimize_for", 9, |o| {
        o.optimize_for().as_str_name().to_string()
    }),
    (
        "FILE_SAME_JAVA_MULTIPLE_FILES",
        "java_multiple_files",
        10,
        |o| o.java_multiple_files().to_string(),
    ),
    ("FILE_SAME_GO_PACKAGE", "go_package", 11, |o| {
        o.go_package().to_string()
    }),
    (
        "FILE_SAME_CC_GENERIC_SERVICES",
        "cc_generic_services",
        16,
        |o| o.cc_generic_services().to_string(),
    ),
    (
        "FILE_SAME_JAVA_GENERIC_SERVICES",
        "java_generic_services",
        17,
        |o| o.java_generic_services().to_string(),
    ),
    (
        "FILE_SAME_PY_GENERIC_SERVICES",
        "py_generic_services",
        18,
        |o| o.py_generic_services().to_string(),
    ),
    ("FILE_SAME_CC_ENABLE_ARENAS", "cc_enable_arenas", 31, |o| {
        o.cc_enable_arenas().to_string()
    }),
    (
        "FILE_SAME_OBJC_CLASS_PREFIX",
        "objc_class_prefix",
        36,
        |o| o.objc_class_prefix().to_string(),
    ),
    ("FILE_SAME_CSHARP_NAMESPACE", "csharp_namespace", 37, |o| {
        o.csharp_namespace().to_string()
    }),
    ("FILE_SAME_SWIFT_PREFIX", "swift_prefix", 39, |o| {
        o.swift_prefix().to_string()
    }),
    ("FILE_SAME_PHP_CLASS_PREFIX", "php_class_prefix", 40, |o| {
        o.php_class_prefix().to_string()
    }),
    ("FILE_SAME_PHP_NAMESPACE", "php_namespace", 41, |o| {
        o.php_namespace().to_string()
    }),
    (
        "FILE_SAME_PHP_METADATA_NAMESPACE",
        "php_metadata_namespace",
        44,
        |o| o.php_metadata_namespace().to_string(),
    ),
    ("FILE_SAME_RUBY_PACKAGE", "ruby_package", 45, |o| {
        o.ruby_package().to_string()
    }),
];

/// MESSAGE_, ENUM_, EXTENSION_ and SERVICE_NO_DELETE: elements of a kept file that the new
/// version of the file no longer declares under the same nested name.
fn deleted_from_file(
    cx: &mut Cx<'_>,
    name: &str,
    old_file: &prost_types::FileDescriptorProto,
    new_file: &prost_types::FileDescriptorProto,
) {
    let nested = |file: &prost_types::FileDescriptorProto, full: &str| {
        nested_name(full, file.package()).to_string()
    };
    let new_messages: Vec<String> = source::messages(new_file)
        .iter()
        .map(|m| nested(new_file, &m.full_name))
        .collect();
    for m in source::messages(old_file) {
        let n = nested(old_file, &m.full_name);
        if !new_messages.contains(&n) {
            let at = cx.deleted_location(name, &n).unwrap_or_default();
            cx.push(
                "MESSAGE_NO_DELETE",
                at,
                m.full_name.clone(),
                format!("Previously present message {n:?} was deleted from file."),
            );
        }
    }
    let new_enums: Vec<String> = source::enums(new_file)
        .iter()
        .map(|e| nested(new_file, &e.full_name))
        .collect();
    for e in source::enums(old_file) {
        let n = nested(old_file, &e.full_name);
        if !new_enums.contains(&n) {
            let at = cx.deleted_location(name, &n).unwrap_or_default();
            cx.push(
                "ENUM_NO_DELETE",
                at,
                e.full_name.clone(),
                format!("Previously present enum {n:?} was deleted from file."),
            );
        }
    }
    let new_extensions = extensions(new_file);
    for n in extensions(old_file) {
        if !new_extensions.contains(&n) {
            let at = cx.deleted_location(name, &n).unwrap_or_default();
            cx.push(
                "EXTENSION_NO_DELETE",
                at,
                super::qualified(old_file.package(), &n),
                format!("Previously present extension {n:?} was deleted from file."),
            );
        }
    }
    for s in &old_file.service {
        if !new_file.service.iter().any(|n| n.name() == s.name()) {
            let at = cx
                .new_spans(name)
                .map(|spans| spans.file_level())
                .unwrap_or_default();
            cx.push(
                "SERVICE_NO_DELETE",
                at,
                super::qualified(old_file.package(), s.name()),
                format!(
                    "Previously present service {:?} was deleted from file.",
                    s.name()
                ),
            );
        }
    }
}

/// The nested names of a file's extensions (top-level and declared in messages).
pub(super) fn extensions(file: &prost_types::FileDescriptorProto) -> Vec<String> {
    let mut out: Vec<String> = file
        .extension
        .iter()
        .map(|e| e.name().to_string())
        .collect();
    for m in source::messages(file) {
        let scope = nested_name(&m.full_name, file.package()).to_string();
        out.extend(
            m.proto
                .extension
                .iter()
                .map(|e| format!("{scope}.{}", e.name())),
        );
    }
    out
}
