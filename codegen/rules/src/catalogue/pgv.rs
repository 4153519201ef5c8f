//! protoc-gen-validate's rules, as `validate/validate.proto` declares them.

use super::ValueKind::{self, *};
use super::{number_bounds, Family, RuleSpec};

const fn one(name: &'static str, kind: ValueKind) -> RuleSpec {
    RuleSpec::one(name, kind)
}

const fn list(name: &'static str, kind: ValueKind) -> RuleSpec {
    RuleSpec::list(name, kind)
}

/// A numeric family's rules: the bounds, `in`, `not_in` and `ignore_empty`.
const fn number(kind: ValueKind) -> [RuleSpec; 8] {
    let [c, lt, lte, gt, gte, i, n] = number_bounds(kind);
    [c, lt, lte, gt, gte, i, n, one("ignore_empty", Bool)]
}

const FLOAT: [RuleSpec; 8] = number(Float);
const DOUBLE: [RuleSpec; 8] = number(Double);
const INT32: [RuleSpec; 8] = number(Int32);
const INT64: [RuleSpec; 8] = number(Int64);
const UINT32: [RuleSpec; 8] = number(Uint32);
const UINT64: [RuleSpec; 8] = number(Uint64);
const SINT32: [RuleSpec; 8] = number(Sint32);
const SINT64: [RuleSpec; 8] = number(Sint64);
const FIXED32: [RuleSpec; 8] = number(Fixed32);
const FIXED64: [RuleSpec; 8] = number(Fixed64);
const SFIXED32: [RuleSpec; 8] = number(Sfixed32);
const SFIXED64: [RuleSpec; 8] = number(Sfixed64);

const BOOL: &[RuleSpec] = &[one("const", Bool)];

const STRING: &[RuleSpec] = &[
    one("const", String),
    one("len", Uint64),
    one("min_len", Uint64),
    one("max_len", Uint64),
    one("len_bytes", Uint64),
    one("min_bytes", Uint64),
    one("max_bytes", Uint64),
    one("pattern", String),
    one("prefix", String),
    one("suffix", String),
    one("contains", String),
    one("not_contains", String),
    list("in", String),
    list("not_in", String),
    one("email", Bool),
    one("hostname", Bool),
    one("ip", Bool),
    one("ipv4", Bool),
    one("ipv6", Bool),
    one("uri", Bool),
    one("uri_ref", Bool),
    one("address", Bool),
    one("uuid", Bool),
    one("well_known_regex", KnownRegex),
    one("strict", Bool),
    one("ignore_empty", Bool),
];

const BYTES: &[RuleSpec] = &[
    one("const", Bytes),
    one("len", Uint64),
    one("min_len", Uint64),
    one("max_len", Uint64),
    one("pattern", String),
    one("prefix", Bytes),
    one("suffix", Bytes),
    one("contains", Bytes),
    list("in", Bytes),
    list("not_in", Bytes),
    one("ip", Bool),
    one("ipv4", Bool),
    one("ipv6", Bool),
    one("ignore_empty", Bool),
];

const ENUM: &[RuleSpec] = &[
    one("const", Int32),
    one("defined_only", Bool),
    list("in", Int32),
    list("not_in", Int32),
];

const MESSAGE: &[RuleSpec] = &[one("skip", Bool), one("required", Bool)];

const REPEATED: &[RuleSpec] = &[
    one("min_items", Uint64),
    one("max_items", Uint64),
    one("unique", Bool),
    one("items", ElementRules),
    one("ignore_empty", Bool),
];

const MAP: &[RuleSpec] = &[
    one("min_pairs", Uint64),
    one("max_pairs", Uint64),
    one("no_sparse", Bool),
    one("keys", ElementRules),
    one("values", ElementRules),
    one("ignore_empty", Bool),
];

const ANY: &[RuleSpec] = &[
    one("required", Bool),
    list("in", String),
    list("not_in", String),
];

const DURATION: &[RuleSpec] = &[
    one("required", Bool),
    one("const", Duration),
    one("lt", Duration),
    one("lte", Duration),
    one("gt", Duration),
    one("gte", Duration),
    list("in", Duration),
    list("not_in", Duration),
];

const TIMESTAMP: &[RuleSpec] = &[
    one("required", Bool),
    one("const", Timestamp),
    one("lt", Timestamp),
    one("lte", Timestamp),
    one("gt", Timestamp),
    one("gte", Timestamp),
    one("lt_now", Bool),
    one("gt_now", Bool),
    one("within", Duration),
];

const fn family(name: &'static str, rules: &'static [RuleSpec]) -> Family {
    Family { name, rules }
}

/// `FieldRules`' families: the `type` oneof in declaration order, then `message`.
pub(super) const FAMILIES: &[Family] = &[
    family("float", &FLOAT),
    family("double", &DOUBLE),
    family("int32", &INT32),
    family("int64", &INT64),
    family("uint32", &UINT32),
    family("uint64", &UINT64),
    family("sint32", &SINT32),
    family("sint64", &SINT64),
    family("fixed32", &FIXED32),
    family("fixed64", &FIXED64),
    family("sfixed32", &SFIXED32),
    family("sfixed64", &SFIXED64),
    family("bool", BOOL),
    family("string", STRING),
    family("bytes", BYTES),
    family("enum", ENUM),
    family("repeated", REPEATED),
    family("map", MAP),
    family("any", ANY),
    family("duration", DURATION),
    family("timestamp", TIMESTAMP),
    family("message", MESSAGE),
];
