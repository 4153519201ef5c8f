//! protovalidate's standard rules, as `buf/validate/validate.proto` declares them.
//!
//! Where they differ from PGV: no `ignore_empty` (protovalidate has the field-level `ignore`),
//! no `message` family (`required` is field-level), `example` on every scalar family, `finite`
//! on floats, more string formats (`tuuid`, `ulid`, `host_and_port`, the prefix formats…),
//! `bytes.uuid`, and a `field_mask` family.

use super::ValueKind::{self, *};
use super::{number_bounds, Family, RuleSpec};

const fn one(name: &'static str, kind: ValueKind) -> RuleSpec {
    RuleSpec::one(name, kind)
}

const fn list(name: &'static str, kind: ValueKind) -> RuleSpec {
    RuleSpec::list(name, kind)
}

/// An integer family's rules: the bounds, `in`, `not_in` and `example`.
const fn integer(kind: ValueKind) -> [RuleSpec; 8] {
    let [c, lt, lte, gt, gte, i, n] = number_bounds(kind);
    [c, lt, lte, gt, gte, i, n, list("example", kind)]
}

/// A float family's rules: the integer ones and `finite`, before `example`.
const fn float(kind: ValueKind) -> [RuleSpec; 9] {
    let [c, lt, lte, gt, gte, i, n] = number_bounds(kind);
    [
        c,
        lt,
        lte,
        gt,
        gte,
        i,
        n,
        one("finite", Bool),
        list("example", kind),
    ]
}

const FLOAT: [RuleSpec; 9] = float(Float);
const DOUBLE: [RuleSpec; 9] = float(Double);
const INT32: [RuleSpec; 8] = integer(Int32);
const INT64: [RuleSpec; 8] = integer(Int64);
const UINT32: [RuleSpec; 8] = integer(Uint32);
const UINT64: [RuleSpec; 8] = integer(Uint64);
const SINT32: [RuleSpec; 8] = integer(Sint32);
const SINT64: [RuleSpec; 8] = integer(Sint64);
const FIXED32: [RuleSpec; 8] = integer(Fixed32);
const FIXED64: [RuleSpec; 8] = integer(Fixed64);
const SFIXED32: [RuleSpec; 8] = integer(Sfixed32);
const SFIXED64: [RuleSpec; 8] = integer(Sfixed64);

const BOOL: &[RuleSpec] = &[one("const", Bool), list("example", Bool)];

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
    one("tuuid", Bool),
    one("ip_with_prefixlen", Bool),
    one("ipv4_with_prefixlen", Bool),
    one("ipv6_with_prefixlen", Bool),
    one("ip_prefix", Bool),
    one("ipv4_prefix", Bool),
    one("ipv6_prefix", Bool),
    one("host_and_port", Bool),
    one("ulid", Bool),
    one("protobuf_fqn", Bool),
    one("protobuf_dot_fqn", Bool),
    one("well_known_regex", KnownRegex),
    one("strict", Bool),
    list("example", String),
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
    one("uuid", Bool),
    list("example", Bytes),
];

const ENUM: &[RuleSpec] = &[
    one("const", Int32),
    one("defined_only", Bool),
    list("in", Int32),
    list("not_in", Int32),
    list("example", Int32),
];

const REPEATED: &[RuleSpec] = &[
    one("min_items", Uint64),
    one("max_items", Uint64),
    one("unique", Bool),
    one("items", ElementRules),
];

const MAP: &[RuleSpec] = &[
    one("min_pairs", Uint64),
    one("max_pairs", Uint64),
    one("keys", ElementRules),
    one("values", ElementRules),
];

const ANY: &[RuleSpec] = &[list("in", String), list("not_in", String)];

const DURATION: &[RuleSpec] = &[
    one("const", Duration),
    one("lt", Duration),
    one("lte", Duration),
    one("gt", Duration),
    one("gte", Duration),
    list("in", Duration),
    list("not_in", Duration),
    list("example", Duration),
];

const FIELD_MASK: &[RuleSpec] = &[
    one("const", FieldMask),
    list("in", String),
    list("not_in", String),
    list("example", FieldMask),
];

const TIMESTAMP: &[RuleSpec] = &[
    one("const", Timestamp),
    one("lt", Timestamp),
    one("lte", Timestamp),
    one("lt_now", Bool),
    one("gt", Timestamp),
    one("gte", Timestamp),
    one("gt_now", Bool),
    one("within", Duration),
    list("example", Timestamp),
];

const fn family(name: &'static str, rules: &'static [RuleSpec]) -> Family {
    Family { name, rules }
}

/// `FieldRules`' `type` oneof, in declaration order.
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
    family("field_mask", FIELD_MASK),
    family("timestamp", TIMESTAMP),
];
