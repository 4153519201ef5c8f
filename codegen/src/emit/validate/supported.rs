//! Which rules the generator emits; the checker reports the others as unsupported.

use crate::model::{Dialect, Rule};

/// Whether the generator emits code for this rule (the others are reported by the checker).
pub fn supported(rule: &Rule) -> bool {
    let name = rule.name.as_str();
    let family = rule.family.as_str();
    if rule.dialect == Dialect::Protovalidate {
        return pv_supported(rule);
    }
    match family {
        "string" => {
            matches!(
                name,
                "const"
                    | "len"
                    | "min_len"
                    | "max_len"
                    | "len_bytes"
                    | "min_bytes"
                    | "max_bytes"
                    | "pattern"
                    | "prefix"
                    | "suffix"
                    | "contains"
                    | "not_contains"
                    | "in"
                    | "not_in"
                    | "email"
                    | "hostname"
                    | "ip"
                    | "ipv4"
                    | "ipv6"
                    | "uri"
                    | "uri_ref"
                    | "address"
                    | "uuid"
                    | "well_known_regex"
                    | "strict"
                    | "ignore_empty"
            ) || (rule.dialect == Dialect::Protovalidate
                && matches!(name, "tuuid" | "ulid" | "host_and_port" | "example"))
        }
        "bytes" => {
            matches!(
                name,
                "const"
                    | "len"
                    | "min_len"
                    | "max_len"
                    | "pattern"
                    | "prefix"
                    | "suffix"
                    | "contains"
                    | "in"
                    | "not_in"
                    | "ip"
                    | "ipv4"
                    | "ipv6"
                    | "ignore_empty"
            ) || (rule.dialect == Dialect::Protovalidate && matches!(name, "uuid" | "example"))
        }
        f if is_number_family(f) => {
            matches!(
                name,
                "const" | "lt" | "lte" | "gt" | "gte" | "in" | "not_in" | "ignore_empty"
            ) || (rule.dialect == Dialect::Protovalidate && matches!(name, "finite" | "example"))
        }
        "bool" => matches!(name, "const" | "example"),
        "enum" => matches!(name, "const" | "defined_only" | "in" | "not_in" | "example"),
        "message" => matches!(name, "required" | "skip"),
        "repeated" => matches!(
            name,
            "min_items" | "max_items" | "unique" | "ignore_empty" | "items"
        ),
        "map" => matches!(
            name,
            "min_pairs" | "max_pairs" | "no_sparse" | "ignore_empty" | "keys" | "values"
        ),
        "any" => matches!(name, "required" | "in" | "not_in"),
        "duration" => matches!(
            name,
            "required" | "const" | "lt" | "lte" | "gt" | "gte" | "in" | "not_in" | "example"
        ),
        "timestamp" => matches!(
            name,
            "required"
                | "const"
                | "lt"
                | "lte"
                | "gt"
                | "gte"
                | "lt_now"
                | "gt_now"
                | "within"
                | "example"
        ),
        _ => false,
    }
}

/// The numeric rule families.
pub fn is_number_family(family: &str) -> bool {
    matches!(
        family,
        "float"
            | "double"
            | "int32"
            | "int64"
            | "uint32"
            | "uint64"
            | "sint32"
            | "sint64"
            | "fixed32"
            | "fixed64"
            | "sfixed32"
            | "sfixed64"
    )
}

/// protovalidate's standard rules the generator emits.
fn pv_supported(rule: &Rule) -> bool {
    let name = rule.name.as_str();
    match rule.family.as_str() {
        _ if matches!(name, "required" | "ignore" | "example") => true,
        "string" => !matches!(name, "ignore_empty"),
        "bytes" => !matches!(name, "ignore_empty"),
        f if is_number_family(f) => matches!(
            name,
            "const" | "lt" | "lte" | "gt" | "gte" | "in" | "not_in" | "finite"
        ),
        "bool" => name == "const",
        "enum" => matches!(name, "const" | "defined_only" | "in" | "not_in"),
        "repeated" => matches!(name, "min_items" | "max_items" | "unique" | "items"),
        "map" => matches!(name, "min_pairs" | "max_pairs" | "keys" | "values"),
        "any" => matches!(name, "in" | "not_in"),
        "duration" => matches!(
            name,
            "const" | "lt" | "lte" | "gt" | "gte" | "in" | "not_in"
        ),
        "timestamp" => matches!(
            name,
            "const" | "lt" | "lte" | "gt" | "gte" | "lt_now" | "gt_now" | "within"
        ),
        "field_mask" => matches!(name, "const" | "in" | "not_in"),
        "message" => false,
        _ => false,
    }
}
