//! buf's breaking rules, with buf's rule IDs, messages and locations, so that `protogate diff`
//! and `buf breaking` flag the same changes the same way (the differential test holds them to
//! that). Every finding is located in the new version, as buf locates them.
//!
//! How elements pair, as in buf: files by path; messages, enums and services by full name
//! across all files; fields by number within a message (extensions by extendee and number);
//! enum values by number; RPCs by name within a service.

mod enums;
mod field_view;
mod fields;
mod files;
mod messages;
mod packages;
mod ranges;
mod services;

use std::collections::BTreeSet;

use prost_reflect::{DescriptorPool, MessageDescriptor};

use super::catalog;
use super::source::{Files, Spans};
use super::Finding;
use crate::diag::Location;

/// Every buf rule's findings, of every category; `settle` decides what breaks.
pub fn run(old: &Files, new: &Files) -> Vec<Finding> {
    let mut cx = Cx {
        old,
        new,
        compared_old: old.files.keys().cloned().collect(),
        compared_new: new.files.keys().cloned().collect(),
        out: Vec::new(),
    };
    files::run(&mut cx);
    packages::run(&mut cx);
    messages::run(&mut cx);
    fields::run(&mut cx);
    enums::run(&mut cx);
    services::run(&mut cx);
    cx.out
}

/// The two versions and the findings so far.
pub(crate) struct Cx<'a> {
    pub old: &'a Files,
    pub new: &'a Files,
    /// The files each side compares (imports built into the compiler are left out).
    pub compared_old: BTreeSet<String>,
    pub compared_new: BTreeSet<String>,
    pub out: Vec<Finding>,
}

impl Cx<'_> {
    /// Records a finding of buf's `rule`.
    pub fn push(
        &mut self,
        rule: &'static str,
        location: Location,
        element: impl Into<String>,
        message: String,
    ) {
        self.out.push(Finding {
            rule,
            categories: catalog::categories(rule).unwrap_or(&[]),
            breaking: true,
            location,
            element: element.into(),
            message,
            acknowledged: false,
        });
    }

    /// The new file's spans.
    pub fn new_spans(&self, file: &str) -> Option<&Spans> {
        self.new.spans(file)
    }

    /// Where an element of the new version is written.
    pub fn at_new(&self, file: &str, path: &[i32]) -> Location {
        match self.new.spans(file) {
            Some(spans) => spans.at(path),
            None => Location::new(file, 1, 1),
        }
    }

    /// Pairs of messages with the same full name, old first, over the compared files.
    pub fn message_pairs(&self) -> Vec<(MessageDescriptor, MessageDescriptor)> {
        let mut pairs = Vec::new();
        for new in self.new.pool.all_messages() {
            if !self.compared_new.contains(new.parent_file().name()) {
                continue;
            }
            if let Some(old) = self.old.pool.get_message_by_name(new.full_name()) {
                if self.compared_old.contains(old.parent_file().name()) {
                    pairs.push((old, new));
                }
            }
        }
        pairs
    }

    /// Where buf puts a deleted element with nested name `nested` (no package) of the old
    /// file `file`: the nearest enclosing message that survives in the new version of that
    /// file, else the file itself; `None` when the file is gone too.
    ///
    /// Enclosing messages are looked up by their full name in the old package: a file whose
    /// package changed keeps no enclosing message, as buf sees it.
    pub fn deleted_location(&self, file: &str, nested: &str) -> Option<Location> {
        if !self.compared_new.contains(file) {
            return None;
        }
        let spans = self.new_spans(file)?;
        let old_file = self.old.pool.get_file_by_name(file)?;
        let package = old_file.package_name();
        let mut parts: Vec<&str> = nested.split('.').collect();
        parts.pop();
        while !parts.is_empty() {
            let name = qualified(package, &parts.join("."));
            if let Some(m) = self.new.pool.get_message_by_name(&name) {
                if m.parent_file().name() == file {
                    return Some(spans.at(m.path()));
                }
            }
            parts.pop();
        }
        Some(spans.file_level())
    }
}

/// `pkg.name`, or `name` in the empty package.
pub(crate) fn qualified(package: &str, name: &str) -> String {
    if package.is_empty() {
        name.to_string()
    } else {
        format!("{package}.{name}")
    }
}

/// The name of a descriptor within its package: `Outer.Inner`.
pub(crate) fn nested_name<'a>(full_name: &'a str, package: &str) -> &'a str {
    if package.is_empty() {
        full_name
    } else {
        full_name
            .strip_prefix(package)
            .and_then(|rest| rest.strip_prefix('.'))
            .unwrap_or(full_name)
    }
}

/// The syntax as buf names it: `proto2` when unset.
pub(crate) fn syntax_of(pool: &DescriptorPool, file: &str) -> String {
    let syntax = pool
        .get_file_by_name(file)
        .map(|f| f.file_descriptor_proto().syntax().to_string())
        .unwrap_or_default();
    if syntax.is_empty() {
        "proto2".to_string()
    } else {
        syntax
    }
}
