//! Message-pair rules: fields, oneofs, reserved and extension ranges deleted; required fields
//! changed; the descriptor accessor and JSON format options.

use prost_reflect::{Cardinality, MessageDescriptor};

use super::ranges::{self, Ranges, MESSAGE_MAX};
use super::{syntax_of, Cx};
use crate::diff::source::path;

pub(super) fn run(cx: &mut Cx<'_>) {
    for (old, new) in cx.message_pairs() {
        let file = new.parent_file().name().to_string();
        let at = cx.at_new(&file, new.path());
        let name = new.name().to_string();
        let reserved = reserved_ranges(&new);
        let reserved_names: Vec<String> = new.reserved_names().map(str::to_string).collect();
        for field in old.fields() {
            if new.get_field(field.number()).is_some() {
                continue;
            }
            let deleted = format!(
                "Previously present field \"{}\" with name {:?} on message {name:?} was deleted",
                field.number(),
                field.name()
            );
            let element = field.full_name().to_string();
            cx.push(
                "FIELD_NO_DELETE",
                at.clone(),
                element.clone(),
                format!("{deleted}."),
            );
            if !ranges::contains(&reserved, i64::from(field.number())) {
                cx.push(
                    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
                    at.clone(),
                    element.clone(),
                    format!(
                        "{deleted} without reserving the number \"{}\".",
                        field.number()
                    ),
                );
            }
            if !reserved_names.iter().any(|n| n == field.name()) {
                cx.push(
                    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
                    at.clone(),
                    element,
                    format!("{deleted} without reserving the name {:?}.", field.name()),
                );
            }
        }
        for oneof in old.oneofs().filter(|o| !o.is_synthetic()) {
            if !new
                .oneofs()
                .any(|n| !n.is_synthetic() && n.name() == oneof.name())
            {
                cx.push(
                    "ONEOF_NO_DELETE",
                    at.clone(),
                    oneof.full_name().to_string(),
                    format!(
                        "Previously present oneof {:?} on message {name:?} was deleted.",
                        oneof.name()
                    ),
                );
            }
        }
        let old_reserved = reserved_ranges(&old);
        for range in &old_reserved {
            let missing = ranges::uncovered(*range, &reserved);
            if !missing.is_empty() {
                cx.push(
                    "RESERVED_MESSAGE_NO_DELETE",
                    at.clone(),
                    new.full_name().to_string(),
                    format!(
                        "Previously present reserved range {:?} on message {name:?} is missing values: {} were removed.",
                        ranges::show(*range, MESSAGE_MAX),
                        ranges::show_all(&missing, MESSAGE_MAX)
                    ),
                );
            }
        }
        for reserved_name in old.reserved_names() {
            if !reserved_names.iter().any(|n| n == reserved_name) {
                cx.push(
                    "RESERVED_MESSAGE_NO_DELETE",
                    at.clone(),
                    new.full_name().to_string(),
                    format!(
                        "Previously present reserved name {reserved_name:?} on message {name:?} was deleted."
                    ),
                );
            }
        }
        let new_extension_ranges = extension_ranges(&new);
        for range in extension_ranges(&old) {
            let missing = ranges::uncovered(range, &new_extension_ranges);
            if !missing.is_empty() {
                cx.push(
                    "EXTENSION_MESSAGE_NO_DELETE",
                    at.clone(),
                    new.full_name().to_string(),
                    format!(
                        "Previously present extension range {:?} on message {name:?} is missing values: {} were removed.",
                        ranges::show(range, MESSAGE_MAX),
                        ranges::show_all(&missing, MESSAGE_MAX)
                    ),
                );
            }
        }
        required_fields(cx, &old, &new);
        options(cx, &old, &new, &file);
    }
}

fn reserved_ranges(m: &MessageDescriptor) -> Ranges {
    m.reserved_ranges()
        .map(|r| (i64::from(r.start), i64::from(r.end) - 1))
        .collect()
}

fn extension_ranges(m: &MessageDescriptor) -> Ranges {
    m.extension_ranges()
        .map(|r| (i64::from(r.start), i64::from(r.end) - 1))
        .collect()
}

const REQUIRED_NOTE: &str = "Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.";

/// MESSAGE_SAME_REQUIRED_FIELDS: the set of required field numbers is the same.
fn required_fields(cx: &mut Cx<'_>, old: &MessageDescriptor, new: &MessageDescriptor) {
    let required = |m: &MessageDescriptor| -> Vec<u32> {
        m.fields()
            .filter(|f| f.cardinality() == Cardinality::Required)
            .map(|f| f.number())
            .collect()
    };
    let (before, after) = (required(old), required(new));
    let file = new.parent_file().name().to_string();
    for n in before.iter().filter(|n| !after.contains(n)) {
        cx.push(
            "MESSAGE_SAME_REQUIRED_FIELDS",
            cx.at_new(&file, new.path()),
            new.full_name().to_string(),
            format!(
                "Message {:?} had required field \"{n}\" deleted. {REQUIRED_NOTE}",
                old.name()
            ),
        );
    }
    for n in after.iter().filter(|n| !before.contains(n)) {
        let Some(field) = new.get_field(*n) else {
            continue;
        };
        cx.push(
            "MESSAGE_SAME_REQUIRED_FIELDS",
            cx.at_new(&file, field.path()),
            new.full_name().to_string(),
            format!(
                "Message {:?} had required field \"{n}\" added. {REQUIRED_NOTE}",
                new.name()
            ),
        );
    }
}

/// The JSON format a message or enum supports, as buf resolves it from the syntax.
pub(super) fn json_format(syntax: &str) -> &'static str {
    match syntax {
        "proto2" => "LEGACY_BEST_EFFORT",
        _ => "ALLOW",
    }
}

fn options(cx: &mut Cx<'_>, old: &MessageDescriptor, new: &MessageDescriptor, file: &str) {
    let accessor = |m: &MessageDescriptor| {
        m.descriptor_proto()
            .options
            .as_ref()
            .is_some_and(|o| o.no_standard_descriptor_accessor())
    };
    if !accessor(old) && accessor(new) {
        let mut at = new.path().to_vec();
        at.extend([path::MESSAGE_OPTIONS, 2]);
        cx.push(
            "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
            cx.at_new(file, &at),
            new.full_name().to_string(),
            "Message option \"no_standard_descriptor_accessor\" changed from \"false\" to \"true\"."
                .to_string(),
        );
    }
    let before = json_format(&syntax_of(&cx.old.pool, old.parent_file().name()));
    let after = json_format(&syntax_of(&cx.new.pool, file));
    if before == "ALLOW" && after != "ALLOW" {
        cx.push(
            "MESSAGE_SAME_JSON_FORMAT",
            cx.at_new(file, new.path()),
            new.full_name().to_string(),
            format!(
                "Message {:?} JSON format support changed from {before} to {after}.",
                new.full_name()
            ),
        );
    }
}
