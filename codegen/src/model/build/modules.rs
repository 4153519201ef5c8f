//! Proto names that would share one Rust module: such schemas are refused with a diagnostic
//! naming both declarations, before prost-build merges them into code that does not compile.

use std::collections::{BTreeMap, BTreeSet};

use prost_reflect::FileDescriptor;

use super::Builder;
use crate::diag::{Diagnostic, Diagnostics};
use crate::names;

/// A top-level message with nested types, enums or oneofs gets a module of its own (`Item` →
/// `item`), which must not be a package's module too (`naming.Item` beside `naming.item`).
pub(super) fn nested_collisions(
    builder: &Builder<'_>,
    files: &[FileDescriptor],
    diags: &mut Diagnostics,
) {
    let packages: BTreeMap<Vec<String>, &str> = files
        .iter()
        .map(|f| {
            (
                names::package_module_path(f.package_name()),
                f.package_name(),
            )
        })
        .collect();
    for file in files {
        for message in file.messages() {
            let has_module = message.child_messages().any(|m| !m.is_map_entry())
                || message.child_enums().next().is_some()
                || message.oneofs().any(|o| !o.is_synthetic());
            let mut module = names::package_module_path(file.package_name());
            module.push(names::snake(message.name()));
            let Some(package) = packages.get(&module).filter(|_| has_module) else {
                continue;
            };
            diags.push(
                Diagnostic::error(
                    "package-module",
                    builder.locate(file, message.path()),
                    format!(
                        "the nested types of `{}` go to the Rust module `{}`, which is package `{package}`'s module",
                        message.full_name(),
                        module.join("::"),
                    ),
                )
                .hint("rename the message or the package: prost-build would put both into one module"),
            );
        }
    }
}

/// A package whose output file is another package's file of protogate's code (package
/// `demo.protogate` writes `demo.protogate.rs`, where package `demo`'s protogate code goes).
pub(super) fn protogate_file_collisions(
    builder: &Builder<'_>,
    files: &[FileDescriptor],
    diags: &mut Diagnostics,
) {
    // The package statement is field 2 of FileDescriptorProto.
    const PACKAGE: i32 = 2;
    let own_files: BTreeMap<String, &str> = files
        .iter()
        .map(|f| {
            (
                names::protogate_file_name(f.package_name()),
                f.package_name(),
            )
        })
        .collect();
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    for file in files {
        let name = names::package_file_name(file.package_name());
        let Some(owner) = own_files.get(&name) else {
            continue;
        };
        if reported.insert(file.package_name()) {
            diags.push(
                Diagnostic::error(
                    "package-file",
                    builder.locate(file, &[PACKAGE]),
                    format!(
                        "package `{}` would be generated into `{name}`, the file of protogate's code for package `{owner}`",
                        file.package_name(),
                    ),
                )
                .hint("rename the package: its last part cannot be `protogate` beside its parent package"),
            );
        }
    }
}

/// Two packages whose names differ only in case or underscores (`demo.Shop`, `demo.shop`) map
/// to one Rust module and one output file, as they do in prost-build: an error naming both.
pub(super) fn package_collisions(
    builder: &Builder<'_>,
    files: &[FileDescriptor],
    diags: &mut Diagnostics,
) {
    // The package statement is field 2 of FileDescriptorProto.
    const PACKAGE: i32 = 2;
    let mut first: BTreeMap<Vec<String>, &FileDescriptor> = BTreeMap::new();
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    for file in files {
        let module = names::package_module_path(file.package_name());
        let Some(other) = first.get(&module) else {
            first.insert(module, file);
            continue;
        };
        if other.package_name() != file.package_name() && reported.insert(file.package_name()) {
            diags.push(
                Diagnostic::error(
                    "package-module",
                    builder.locate(file, &[PACKAGE]),
                    format!(
                        "package `{}` maps to the Rust module `{}`, as package `{}` (in {}) does",
                        file.package_name(),
                        module.join("::"),
                        other.package_name(),
                        other.name()
                    ),
                )
                .hint("rename one of the packages: Rust modules are snake_case, so the two would share one module and one output file"),
            );
        }
    }
}
