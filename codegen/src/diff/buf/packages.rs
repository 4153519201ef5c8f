//! The PACKAGE category's deletion rules: a package gone, or a message, enum, extension or
//! service gone from a package (wherever in the package's files it lives; moving an element
//! between files of the same package is not a deletion).

use std::collections::{BTreeMap, BTreeSet};

use super::{files::extensions, nested_name, qualified, Cx};
use crate::diag::Location;
use crate::diff::source::{self, Files};

/// One kind of element: its rule, its name, and what each version of the package declares.
type Kind<'a> = (
    &'static str,
    &'static str,
    &'a BTreeMap<String, String>,
    &'a BTreeMap<String, String>,
);

/// What one package declares: kind → nested name → the file that declares it.
#[derive(Default)]
struct Contents {
    messages: BTreeMap<String, String>,
    enums: BTreeMap<String, String>,
    extensions: BTreeMap<String, String>,
    services: BTreeMap<String, String>,
}

fn packages(files: &Files, compared: &BTreeSet<String>) -> BTreeMap<String, Contents> {
    let mut out: BTreeMap<String, Contents> = BTreeMap::new();
    for (name, (file, _)) in &files.files {
        if !compared.contains(name) {
            continue;
        }
        let package = file.package();
        let contents = out.entry(package.to_string()).or_default();
        for m in source::messages(file) {
            contents
                .messages
                .insert(nested_name(&m.full_name, package).to_string(), name.clone());
        }
        for e in source::enums(file) {
            contents
                .enums
                .insert(nested_name(&e.full_name, package).to_string(), name.clone());
        }
        for x in extensions(file) {
            contents.extensions.insert(x, name.clone());
        }
        for s in &file.service {
            contents.services.insert(s.name().to_string(), name.clone());
        }
    }
    out
}

pub(super) fn run(cx: &mut Cx<'_>) {
    let old = packages(cx.old, &cx.compared_old);
    let new = packages(cx.new, &cx.compared_new);
    for (package, before) in &old {
        let Some(after) = new.get(package) else {
            let file = before
                .messages
                .values()
                .chain(before.enums.values())
                .chain(before.services.values())
                .next()
                .map(|f| cx.old.spans(f).map(|s| s.file.clone()).unwrap_or_default())
                .unwrap_or_default();
            cx.push(
                "PACKAGE_NO_DELETE",
                Location::new(file, 0, 0),
                package.clone(),
                format!("Previously present package {package:?} was deleted."),
            );
            continue;
        };
        let kinds: [Kind<'_>; 4] = [
            (
                "PACKAGE_MESSAGE_NO_DELETE",
                "message",
                &before.messages,
                &after.messages,
            ),
            (
                "PACKAGE_ENUM_NO_DELETE",
                "enum",
                &before.enums,
                &after.enums,
            ),
            (
                "PACKAGE_EXTENSION_NO_DELETE",
                "extension",
                &before.extensions,
                &after.extensions,
            ),
            (
                "PACKAGE_SERVICE_NO_DELETE",
                "service",
                &before.services,
                &after.services,
            ),
        ];
        for (rule, kind, was, is) in kinds {
            for (nested, file) in was {
                if is.contains_key(nested) {
                    continue;
                }
                let at = if kind == "service" {
                    cx.new_spans(file).map(|s| s.file_level())
                } else {
                    cx.deleted_location(file, nested)
                };
                let at = at.unwrap_or_else(|| {
                    Location::new(
                        cx.old
                            .spans(file)
                            .map(|s| s.file.clone())
                            .unwrap_or_default(),
                        0,
                        0,
                    )
                });
                cx.push(
                    rule,
                    at,
                    qualified(package, nested),
                    format!("Previously present {kind} {nested:?} was deleted from package {package:?}."),
                );
            }
        }
    }
}
