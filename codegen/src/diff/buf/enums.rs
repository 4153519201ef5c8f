//! Enum-pair rules: values deleted or renamed, reserved ranges and names, open or closed, and
//! the JSON format.

use std::collections::BTreeMap;

use prost_reflect::EnumDescriptor;

use super::messages::json_format;
use super::ranges::{self, Ranges, ENUM_MAX};
use super::{syntax_of, Cx};
use crate::diff::source::path;

fn pairs(cx: &Cx<'_>) -> Vec<(EnumDescriptor, EnumDescriptor)> {
    let mut out = Vec::new();
    for new in cx.new.pool.all_enums() {
        if !cx.compared_new.contains(new.parent_file().name()) {
            continue;
        }
        if let Some(old) = cx.old.pool.get_enum_by_name(new.full_name()) {
            if cx.compared_old.contains(old.parent_file().name()) {
                out.push((old, new));
            }
        }
    }
    out
}

/// Number → the names that carry it (aliases share a number).
fn by_number(e: &EnumDescriptor) -> BTreeMap<i32, Vec<String>> {
    let mut out: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for v in e.values() {
        out.entry(v.number())
            .or_default()
            .push(v.name().to_string());
    }
    for names in out.values_mut() {
        names.sort();
    }
    out
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn reserved(e: &EnumDescriptor) -> Ranges {
    e.reserved_ranges()
        .map(|r| (i64::from(*r.start()), i64::from(*r.end())))
        .collect()
}

pub(super) fn run(cx: &mut Cx<'_>) {
    for (old, new) in pairs(cx) {
        let file = new.parent_file().name().to_string();
        let at = cx.at_new(&file, new.path());
        let name = new.name().to_string();
        let (before, after) = (by_number(&old), by_number(&new));
        let new_reserved = reserved(&new);
        let new_reserved_names: Vec<&str> = new.reserved_names().collect();
        for (number, names) in &before {
            let Some(now) = after.get(number) else {
                let deleted = format!(
                    "Previously present enum value \"{number}\" on enum {name:?} was deleted"
                );
                let element = format!("{}.{}", new.full_name(), names.join("|"));
                cx.push(
                    "ENUM_VALUE_NO_DELETE",
                    at.clone(),
                    element.clone(),
                    format!("{deleted}."),
                );
                if !ranges::contains(&new_reserved, i64::from(*number)) {
                    cx.push(
                        "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
                        at.clone(),
                        element.clone(),
                        format!("{deleted} without reserving the number \"{number}\"."),
                    );
                }
                if !names
                    .iter()
                    .all(|n| new_reserved_names.contains(&n.as_str()))
                {
                    let which = if names.len() > 1 { "names" } else { "name" };
                    cx.push(
                        "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
                        at.clone(),
                        element,
                        format!(
                            "{deleted} without reserving the {which} {}.",
                            quoted_list(names)
                        ),
                    );
                }
                continue;
            };
            if names.iter().all(|n| now.contains(n)) {
                continue;
            }
            let plural = if names.len() > 1 && now.len() > 1 {
                "s"
            } else {
                ""
            };
            for (i, value) in new.values().enumerate() {
                if value.number() != *number {
                    continue;
                }
                let mut value_path = new.path().to_vec();
                value_path.extend([path::ENUM_VALUE, i as i32, path::ENUM_VALUE_NUMBER]);
                cx.push(
                    "ENUM_VALUE_SAME_NAME",
                    cx.at_new(&file, &value_path),
                    value.full_name().to_string(),
                    format!(
                        "Enum value \"{number}\" on enum {name:?} changed name{plural} from {} to {}.",
                        quoted_list(names),
                        quoted_list(now)
                    ),
                );
            }
        }
        for range in reserved(&old) {
            let missing = ranges::uncovered(range, &new_reserved);
            if !missing.is_empty() {
                cx.push(
                    "RESERVED_ENUM_NO_DELETE",
                    at.clone(),
                    new.full_name().to_string(),
                    format!(
                        "Previously present reserved range {:?} on enum {name:?} is missing values: {} were removed.",
                        ranges::show(range, ENUM_MAX),
                        ranges::show_all(&missing, ENUM_MAX)
                    ),
                );
            }
        }
        for reserved_name in old.reserved_names() {
            if !new_reserved_names.contains(&reserved_name) {
                cx.push(
                    "RESERVED_ENUM_NO_DELETE",
                    at.clone(),
                    new.full_name().to_string(),
                    format!(
                        "Previously present reserved name {reserved_name:?} on enum {name:?} was deleted."
                    ),
                );
            }
        }
        let old_syntax = syntax_of(&cx.old.pool, old.parent_file().name());
        let new_syntax = syntax_of(&cx.new.pool, &file);
        let closed = |syntax: &str| syntax == "proto2";
        if closed(&old_syntax) != closed(&new_syntax) {
            let (from, to) = if closed(&old_syntax) {
                ("closed", "open")
            } else {
                ("open", "closed")
            };
            cx.push(
                "ENUM_SAME_TYPE",
                at.clone(),
                new.full_name().to_string(),
                format!("Enum {:?} changed from {from} to {to}.", new.full_name()),
            );
        }
        let (before_json, after_json) = (json_format(&old_syntax), json_format(&new_syntax));
        if before_json == "ALLOW" && after_json != "ALLOW" {
            cx.push(
                "ENUM_SAME_JSON_FORMAT",
                at,
                new.full_name().to_string(),
                format!(
                    "Enum {:?} JSON format support changed from {before_json} to {after_json}.",
                    new.full_name()
                ),
            );
        }
    }
}
