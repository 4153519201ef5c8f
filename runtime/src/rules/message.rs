//! Presence rules (`message.required`, wrappers, `any`, oneofs) and enum rules.

use super::format::go_list;
use super::{ensure, Check};

/// `message.required`.
#[inline]
pub fn required<T>(value: &Option<T>) -> Check {
    ensure(value.is_some(), "message.required", || "value is required")
}

/// `message.required` on a wrapper type (`google.protobuf.StringValue`, …), worded as PGV's
/// wrapper template words it.
pub fn wrapper_required<T>(value: &Option<T>) -> Check {
    ensure(value.is_some(), "message.required", || {
        "value is required and must not be nil."
    })
}

/// `(validate.required)` on a oneof: one of its fields is set.
pub fn oneof_required<T>(value: &Option<T>) -> Check {
    ensure(value.is_some(), "oneof.required", || "value is required")
}

/// `required` of the `any`, `duration` and `timestamp` rule families.
pub fn family_required<T>(family: &'static str, value: &Option<T>) -> Check {
    let rule = match family {
        "any" => "any.required",
        "duration" => "duration.required",
        _ => "timestamp.required",
    };
    ensure(value.is_some(), rule, || "value is required")
}

/// `enum.defined_only`: `defined` says whether the number is a value of the enum.
pub fn defined_only(defined: bool) -> Check {
    ensure(defined, "enum.defined_only", || {
        "value must be one of the defined enum values"
    })
}

/// `any.in`: the type URL is one of `list`.
pub fn any_in(type_url: &str, list: &[&str]) -> Check {
    ensure(list.contains(&type_url), "any.in", || {
        format!("type URL must be in list {}", go_list(list))
    })
}

/// `any.not_in`.
pub fn any_not_in(type_url: &str, list: &[&str]) -> Check {
    ensure(!list.contains(&type_url), "any.not_in", || {
        format!("type URL must not be in list {}", go_list(list))
    })
}
