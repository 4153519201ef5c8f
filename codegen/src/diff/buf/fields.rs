//! Field-pair rules: type, cardinality, oneof, name, JSON name, options and default, over the
//! pairs `field_view` finds.

use prost_reflect::{Kind, Value};

use super::field_view::{pairs, View};
use super::Cx;
use crate::diff::source::path;

pub(super) fn run(cx: &mut Cx<'_>) {
    for (old, new) in pairs(cx) {
        types(cx, &old, &new);
        cardinalities(cx, &old, &new);
        oneof(cx, &old, &new);
        names(cx, &old, &new);
        field_options(cx, &old, &new);
        default(cx, &old, &new);
    }
}

const SEE_WIRE: &str = " See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.";
const SEE_JSON: &str = " See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.";
const BYTES_NOTE: &str = " Note that while string and bytes are compatible if the data is valid UTF-8, there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible.";

/// Which kinds share an encoding on the wire.
fn wire_group(kind: &str) -> u8 {
    match kind {
        "int32" | "int64" | "uint32" | "uint64" | "bool" => 1,
        "sint32" | "sint64" => 2,
        "string" => 3,
        "bytes" => 4,
        "fixed32" | "sfixed32" => 5,
        "fixed64" | "sfixed64" => 6,
        "double" => 7,
        "float" => 8,
        "group" => 9,
        "message" => 10,
        _ => 11,
    }
}

/// Which kinds share an encoding on the wire and in JSON.
fn json_group(kind: &str) -> u8 {
    match kind {
        "int32" | "uint32" => 1,
        "int64" | "uint64" => 2,
        "fixed32" | "sfixed32" => 3,
        "fixed64" | "sfixed64" => 4,
        "bool" => 5,
        "sint32" => 6,
        "sint64" => 7,
        "string" => 8,
        "bytes" => 9,
        "double" => 10,
        "float" => 11,
        "group" => 12,
        "message" => 13,
        _ => 14,
    }
}

fn types(cx: &mut Cx<'_>, old: &View, new: &View) {
    let (ok, nk) = (old.kind_name(), new.kind_name());
    let at = new.type_location(cx);
    let element = new.full_name.clone();
    let changed =
        |from: &str, to: &str| format!("{} changed type from {from:?} to {to:?}.", new.described);
    if ok != nk {
        cx.push(
            "FIELD_SAME_TYPE",
            at.clone(),
            element.clone(),
            changed(ok, nk),
        );
    } else if let (Some(ot), Some(nt)) = (old.type_name(), new.type_name()) {
        if ot != nt {
            cx.push(
                "FIELD_SAME_TYPE",
                at.clone(),
                element.clone(),
                changed(&ot, &nt),
            );
        }
    }
    for (rule, group, see) in [
        (
            "FIELD_WIRE_COMPATIBLE_TYPE",
            wire_group as fn(&str) -> u8,
            SEE_WIRE,
        ),
        ("FIELD_WIRE_JSON_COMPATIBLE_TYPE", json_group, SEE_JSON),
    ] {
        if group(ok) != group(nk) {
            let wire = rule == "FIELD_WIRE_COMPATIBLE_TYPE";
            if wire && ok == "string" && nk == "bytes" {
                continue;
            }
            let mut message = changed(ok, nk);
            message.push_str(see);
            if wire && ok == "bytes" && nk == "string" {
                message.push_str(BYTES_NOTE);
            }
            cx.push(rule, at.clone(), element.clone(), message);
            continue;
        }
        match (&old.kind, &new.kind) {
            (Kind::Message(o), Kind::Message(n)) if o.full_name() != n.full_name() => {
                cx.push(
                    rule,
                    at.clone(),
                    element.clone(),
                    changed(o.full_name(), n.full_name()),
                );
            }
            (Kind::Enum(o), Kind::Enum(n)) if o.full_name() != n.full_name() => {
                let subset = o.values().all(|v| {
                    n.values()
                        .any(|w| w.name() == v.name() && w.number() == v.number())
                });
                if o.name() != n.name() || !subset {
                    cx.push(
                        rule,
                        at.clone(),
                        element.clone(),
                        changed(o.full_name(), n.full_name()),
                    );
                }
            }
            _ => {}
        }
    }
}

fn cardinalities(cx: &mut Cx<'_>, old: &View, new: &View) {
    if old.in_map_entry && new.in_map_entry {
        return;
    }
    let (oc, nc) = (old.cardinality, new.cardinality);
    if oc == nc {
        return;
    }
    let message = format!(
        "{} changed cardinality from {oc:?} to {nc:?}.",
        new.described
    );
    let at = new.location(cx);
    cx.push(
        "FIELD_SAME_CARDINALITY",
        at.clone(),
        new.full_name.clone(),
        message.clone(),
    );
    let wire = |c: &str| match c {
        "repeated" | "map" => 2,
        "required" => 1,
        _ => 0,
    };
    let json = |c: &str| match c {
        "repeated" => 2,
        "map" => 3,
        "required" => 1,
        _ => 0,
    };
    if wire(oc) != wire(nc) {
        cx.push(
            "FIELD_WIRE_COMPATIBLE_CARDINALITY",
            at.clone(),
            new.full_name.clone(),
            message.clone(),
        );
    }
    if json(oc) != json(nc) {
        cx.push(
            "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
            at,
            new.full_name.clone(),
            message,
        );
    }
}

fn oneof(cx: &mut Cx<'_>, old: &View, new: &View) {
    if old.is_extension || new.is_extension {
        return;
    }
    let message = match (&old.oneof, &new.oneof) {
        (Some(o), Some(n)) if o != n => {
            format!("{}q moved from oneof {o:?} to oneof {n:?}.", new.described)
        }
        (Some(_), None) => format!("{} moved from inside to outside a oneof.", new.described),
        (None, Some(_)) => format!("{} moved from outside to inside a oneof.", new.described),
        _ => return,
    };
    let at = new.location(cx);
    cx.push("FIELD_SAME_ONEOF", at, new.full_name.clone(), message);
}

fn names(cx: &mut Cx<'_>, old: &View, new: &View) {
    if old.name != new.name {
        let at = new.first_of(cx, &[&[path::FIELD_NAME]]);
        cx.push(
            "FIELD_SAME_NAME",
            at,
            new.full_name.clone(),
            format!(
                "{} changed name from {:?} to {:?}.",
                new.described_nameless, old.name, new.name
            ),
        );
    }
    if old.is_extension || new.is_extension || (old.in_map_entry && new.in_map_entry) {
        return;
    }
    if old.json_name != new.json_name {
        let mut at = new.first_of(cx, &[&[path::FIELD_JSON_NAME]]);
        if let Some(spans) = cx.new_spans(&new.file) {
            if spans.has(&new.sub(&[path::FIELD_JSON_NAME])) {
                at = spans.back_to_keyword(at, "json_name");
            }
        }
        cx.push(
            "FIELD_SAME_JSON_NAME",
            at,
            new.full_name.clone(),
            format!(
                "{} changed option \"json_name\" from {:?} to {:?}.",
                new.described, old.json_name, new.json_name
            ),
        );
    }
}

fn is_64_bit(kind: &str) -> bool {
    matches!(kind, "int64" | "sint64" | "uint64" | "fixed64" | "sfixed64")
}

fn field_options(cx: &mut Cx<'_>, old: &View, new: &View) {
    let (ok, nk) = (old.kind_name(), new.kind_name());
    let opts = |v: &View| v.proto.options.clone().unwrap_or_default();
    let (oo, no) = (opts(old), opts(new));
    if is_64_bit(ok) && is_64_bit(nk) {
        let (before, after) = (oo.jstype().as_str_name(), no.jstype().as_str_name());
        if before != after {
            cx.push(
                "FIELD_SAME_JSTYPE",
                new.first_of(cx, &[&[path::FIELD_OPTIONS, 6]]),
                new.full_name.clone(),
                format!(
                    "{} changed option \"jstype\" from {before:?} to {after:?}.",
                    new.described
                ),
            );
        }
    }
    let stringy = |k: &str| k == "string" || k == "bytes";
    if stringy(ok) && stringy(nk) && !new.in_map_entry && !old.in_map_entry {
        let (before, after) = (oo.ctype().as_str_name(), no.ctype().as_str_name());
        if before != after && !(before == "STRING_PIECE" && after == "STRING") {
            cx.push(
                "FIELD_SAME_CPP_STRING_TYPE",
                new.first_of(cx, &[&[path::FIELD_OPTIONS, 1]]),
                new.full_name.clone(),
                format!(
                    "{} changed C++ string type from {before:?} to {after:?}.",
                    new.described
                ),
            );
        }
    }
    if ok == "string" && nk == "string" {
        let utf8 = |syntax: &str| if syntax == "proto2" { "NONE" } else { "VERIFY" };
        let (before, after) = (utf8(&old.syntax), utf8(&new.syntax));
        if before != after {
            cx.push(
                "FIELD_SAME_UTF8_VALIDATION",
                new.location(cx),
                new.full_name.clone(),
                format!(
                    "{} changed UTF8 validation from {before} to {after}.",
                    new.described
                ),
            );
        }
        let java = |v: &View, files: &crate::diff::source::Files| {
            let check = files
                .files
                .get(&v.file)
                .and_then(|(f, _)| f.options.as_ref())
                .is_some_and(|o| o.java_string_check_utf8());
            if check {
                "VERIFY"
            } else {
                utf8(&v.syntax)
            }
        };
        let (before, after) = (java(old, cx.old), java(new, cx.new));
        if before != after {
            let file_option = [path::FILE_OPTIONS, 27];
            let at = match cx.new_spans(&new.file) {
                Some(spans) if spans.has(&file_option) => spans.at(&file_option),
                _ => new.location(cx),
            };
            cx.push(
                "FIELD_SAME_JAVA_UTF8_VALIDATION",
                at,
                new.full_name.clone(),
                format!(
                    "{} changed Java string UTF8 validation from {before:?} to {after:?}.",
                    new.described
                ),
            );
        }
    }
}

/// A default as buf prints it, and whether it is the zero value.
fn printable(v: &View) -> (String, bool) {
    match (&v.default, &v.kind) {
        (Value::EnumNumber(n), Kind::Enum(e)) => {
            let name = e
                .get_value(*n)
                .map(|value| format!("{}.{}", e.name(), value.name()))
                .unwrap_or_else(|| n.to_string());
            (name, *n == 0)
        }
        (Value::String(s), _) => (format!("{s:?}"), s.is_empty()),
        (Value::Bytes(b), _) => (
            format!(
                "[{}]",
                b.iter()
                    .map(|x| format!("0x{x:X}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            b.is_empty(),
        ),
        (Value::Bool(b), _) => (b.to_string(), !*b),
        (Value::I32(n), _) => (n.to_string(), *n == 0),
        (Value::I64(n), _) => (n.to_string(), *n == 0),
        (Value::U32(n), _) => (n.to_string(), *n == 0),
        (Value::U64(n), _) => (n.to_string(), *n == 0),
        (Value::F32(n), _) => (n.to_string(), *n == 0.0),
        (Value::F64(n), _) => (n.to_string(), *n == 0.0),
        _ => (String::new(), true),
    }
}

fn numeric(v: &Value, as_f32: bool) -> Option<f64> {
    let n = match v {
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::I32(n) => f64::from(*n),
        Value::I64(n) => *n as f64,
        Value::U32(n) => f64::from(*n),
        Value::U64(n) => *n as f64,
        Value::F32(n) => f64::from(*n),
        Value::F64(n) => *n,
        Value::EnumNumber(n) => f64::from(*n),
        _ => return None,
    };
    Some(if as_f32 { f64::from(n as f32) } else { n })
}

fn default(cx: &mut Cx<'_>, old: &View, new: &View) {
    let can_default = |v: &View| {
        v.cardinality != "repeated" && v.cardinality != "map" && !matches!(v.kind, Kind::Message(_))
    };
    if !can_default(old) || !can_default(new) {
        return;
    }
    let ((before, old_zero), (after, new_zero)) = (printable(old), printable(new));
    if old_zero && new_zero {
        return;
    }
    let floats = matches!(old.default, Value::F32(_)) || matches!(new.default, Value::F32(_));
    let same = match (&old.default, &new.default) {
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Bytes(a), Value::Bytes(b)) => a == b,
        (Value::String(a), Value::Bytes(b)) | (Value::Bytes(b), Value::String(a)) => {
            a.as_bytes() == b.as_ref()
        }
        (a, b) => match (numeric(a, floats), numeric(b, floats)) {
            (Some(x), Some(y)) => x == y || (x.is_nan() && y.is_nan()),
            _ => false,
        },
    };
    if !same {
        cx.push(
            "FIELD_SAME_DEFAULT",
            new.first_of(cx, &[&[path::FIELD_DEFAULT]]),
            new.full_name.clone(),
            format!(
                "{} changed default value from {before} to {after}.",
                new.described
            ),
        );
    }
}
