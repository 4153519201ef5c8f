//! protovalidate's rule fields as `buf/validate/validate.proto` (v1.2) declares them: the
//! numbers, names and types a violation's rule path is made of. Data, not logic: each entry is
//! a field of `FieldRules` or of one family's rules message.

/// One field of a rules message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleField {
    /// The field name, e.g. `min_len`.
    pub name: &'static str,
    /// The field number.
    pub number: i32,
    /// `google.protobuf.FieldDescriptorProto.Type` of the field.
    pub ty: i32,
}

const fn f(name: &'static str, number: i32, ty: i32) -> RuleField {
    RuleField { name, number, ty }
}

/// `buf.validate.FieldRules`.
pub const FIELD_RULES: &[RuleField] = &[
    f("cel_expression", 29, 9),
    f("cel", 23, 11),
    f("required", 25, 8),
    f("ignore", 27, 14),
    f("float", 1, 11),
    f("double", 2, 11),
    f("int32", 3, 11),
    f("int64", 4, 11),
    f("uint32", 5, 11),
    f("uint64", 6, 11),
    f("sint32", 7, 11),
    f("sint64", 8, 11),
    f("fixed32", 9, 11),
    f("fixed64", 10, 11),
    f("sfixed32", 11, 11),
    f("sfixed64", 12, 11),
    f("bool", 13, 11),
    f("string", 14, 11),
    f("bytes", 15, 11),
    f("enum", 16, 11),
    f("repeated", 18, 11),
    f("map", 19, 11),
    f("any", 20, 11),
    f("duration", 21, 11),
    f("field_mask", 28, 11),
    f("timestamp", 22, 11),
];

/// `buf.validate.FloatRules`.
pub const FLOAT: &[RuleField] = &[
    f("const", 1, 2),
    f("lt", 2, 2),
    f("lte", 3, 2),
    f("gt", 4, 2),
    f("gte", 5, 2),
    f("in", 6, 2),
    f("not_in", 7, 2),
    f("finite", 8, 8),
    f("example", 9, 2),
];

/// `buf.validate.DoubleRules`.
pub const DOUBLE: &[RuleField] = &[
    f("const", 1, 1),
    f("lt", 2, 1),
    f("lte", 3, 1),
    f("gt", 4, 1),
    f("gte", 5, 1),
    f("in", 6, 1),
    f("not_in", 7, 1),
    f("finite", 8, 8),
    f("example", 9, 1),
];

/// `buf.validate.Int32Rules`.
pub const INT32: &[RuleField] = &[
    f("const", 1, 5),
    f("lt", 2, 5),
    f("lte", 3, 5),
    f("gt", 4, 5),
    f("gte", 5, 5),
    f("in", 6, 5),
    f("not_in", 7, 5),
    f("example", 8, 5),
];

/// `buf.validate.Int64Rules`.
pub const INT64: &[RuleField] = &[
    f("const", 1, 3),
    f("lt", 2, 3),
    f("lte", 3, 3),
    f("gt", 4, 3),
    f("gte", 5, 3),
    f("in", 6, 3),
    f("not_in", 7, 3),
    f("example", 9, 3),
];

/// `buf.validate.UInt32Rules`.
pub const UINT32: &[RuleField] = &[
    f("const", 1, 13),
    f("lt", 2, 13),
    f("lte", 3, 13),
    f("gt", 4, 13),
    f("gte", 5, 13),
    f("in", 6, 13),
    f("not_in", 7, 13),
    f("example", 8, 13),
];

/// `buf.validate.UInt64Rules`.
pub const UINT64: &[RuleField] = &[
    f("const", 1, 4),
    f("lt", 2, 4),
    f("lte", 3, 4),
    f("gt", 4, 4),
    f("gte", 5, 4),
    f("in", 6, 4),
    f("not_in", 7, 4),
    f("example", 8, 4),
];

/// `buf.validate.SInt32Rules`.
pub const SINT32: &[RuleField] = &[
    f("const", 1, 17),
    f("lt", 2, 17),
    f("lte", 3, 17),
    f("gt", 4, 17),
    f("gte", 5, 17),
    f("in", 6, 17),
    f("not_in", 7, 17),
    f("example", 8, 17),
];

/// `buf.validate.SInt64Rules`.
pub const SINT64: &[RuleField] = &[
    f("const", 1, 18),
    f("lt", 2, 18),
    f("lte", 3, 18),
    f("gt", 4, 18),
    f("gte", 5, 18),
    f("in", 6, 18),
    f("not_in", 7, 18),
    f("example", 8, 18),
];

/// `buf.validate.Fixed32Rules`.
pub const FIXED32: &[RuleField] = &[
    f("const", 1, 7),
    f("lt", 2, 7),
    f("lte", 3, 7),
    f("gt", 4, 7),
    f("gte", 5, 7),
    f("in", 6, 7),
    f("not_in", 7, 7),
    f("example", 8, 7),
];

/// `buf.validate.Fixed64Rules`.
pub const FIXED64: &[RuleField] = &[
    f("const", 1, 6),
    f("lt", 2, 6),
    f("lte", 3, 6),
    f("gt", 4, 6),
    f("gte", 5, 6),
    f("in", 6, 6),
    f("not_in", 7, 6),
    f("example", 8, 6),
];

/// `buf.validate.SFixed32Rules`.
pub const SFIXED32: &[RuleField] = &[
    f("const", 1, 15),
    f("lt", 2, 15),
    f("lte", 3, 15),
    f("gt", 4, 15),
    f("gte", 5, 15),
    f("in", 6, 15),
    f("not_in", 7, 15),
    f("example", 8, 15),
];

/// `buf.validate.SFixed64Rules`.
pub const SFIXED64: &[RuleField] = &[
    f("const", 1, 16),
    f("lt", 2, 16),
    f("lte", 3, 16),
    f("gt", 4, 16),
    f("gte", 5, 16),
    f("in", 6, 16),
    f("not_in", 7, 16),
    f("example", 8, 16),
];

/// `buf.validate.BoolRules`.
pub const BOOL: &[RuleField] = &[f("const", 1, 8), f("example", 2, 8)];

/// `buf.validate.StringRules`.
pub const STRING: &[RuleField] = &[
    f("const", 1, 9),
    f("len", 19, 4),
    f("min_len", 2, 4),
    f("max_len", 3, 4),
    f("len_bytes", 20, 4),
    f("min_bytes", 4, 4),
    f("max_bytes", 5, 4),
    f("pattern", 6, 9),
    f("prefix", 7, 9),
    f("suffix", 8, 9),
    f("contains", 9, 9),
    f("not_contains", 23, 9),
    f("in", 10, 9),
    f("not_in", 11, 9),
    f("email", 12, 8),
    f("hostname", 13, 8),
    f("ip", 14, 8),
    f("ipv4", 15, 8),
    f("ipv6", 16, 8),
    f("uri", 17, 8),
    f("uri_ref", 18, 8),
    f("address", 21, 8),
    f("uuid", 22, 8),
    f("tuuid", 33, 8),
    f("ip_with_prefixlen", 26, 8),
    f("ipv4_with_prefixlen", 27, 8),
    f("ipv6_with_prefixlen", 28, 8),
    f("ip_prefix", 29, 8),
    f("ipv4_prefix", 30, 8),
    f("ipv6_prefix", 31, 8),
    f("host_and_port", 32, 8),
    f("ulid", 35, 8),
    f("protobuf_fqn", 37, 8),
    f("protobuf_dot_fqn", 38, 8),
    f("well_known_regex", 24, 14),
    f("strict", 25, 8),
    f("example", 34, 9),
];

/// `buf.validate.BytesRules`.
pub const BYTES: &[RuleField] = &[
    f("const", 1, 12),
    f("len", 13, 4),
    f("min_len", 2, 4),
    f("max_len", 3, 4),
    f("pattern", 4, 9),
    f("prefix", 5, 12),
    f("suffix", 6, 12),
    f("contains", 7, 12),
    f("in", 8, 12),
    f("not_in", 9, 12),
    f("ip", 10, 8),
    f("ipv4", 11, 8),
    f("ipv6", 12, 8),
    f("uuid", 15, 8),
    f("example", 14, 12),
];

/// `buf.validate.EnumRules`.
pub const ENUM: &[RuleField] = &[
    f("const", 1, 5),
    f("defined_only", 2, 8),
    f("in", 3, 5),
    f("not_in", 4, 5),
    f("example", 5, 5),
];

/// `buf.validate.RepeatedRules`.
pub const REPEATED: &[RuleField] = &[
    f("min_items", 1, 4),
    f("max_items", 2, 4),
    f("unique", 3, 8),
    f("items", 4, 11),
];

/// `buf.validate.MapRules`.
pub const MAP: &[RuleField] = &[
    f("min_pairs", 1, 4),
    f("max_pairs", 2, 4),
    f("keys", 4, 11),
    f("values", 5, 11),
];

/// `buf.validate.AnyRules`.
pub const ANY: &[RuleField] = &[f("in", 2, 9), f("not_in", 3, 9)];

/// `buf.validate.DurationRules`.
pub const DURATION: &[RuleField] = &[
    f("const", 2, 11),
    f("lt", 3, 11),
    f("lte", 4, 11),
    f("gt", 5, 11),
    f("gte", 6, 11),
    f("in", 7, 11),
    f("not_in", 8, 11),
    f("example", 9, 11),
];

/// `buf.validate.FieldMaskRules`.
pub const FIELD_MASK: &[RuleField] = &[
    f("const", 1, 11),
    f("in", 2, 9),
    f("not_in", 3, 9),
    f("example", 4, 11),
];

/// `buf.validate.TimestampRules`.
pub const TIMESTAMP: &[RuleField] = &[
    f("const", 2, 11),
    f("lt", 3, 11),
    f("lte", 4, 11),
    f("lt_now", 7, 8),
    f("gt", 5, 11),
    f("gte", 6, 11),
    f("gt_now", 8, 8),
    f("within", 9, 11),
    f("example", 10, 11),
];

/// The fields of the rules message of `family` (`string` → `StringRules`).
pub fn family(family: &str) -> Option<&'static [RuleField]> {
    Some(match family {
        "float" => FLOAT,
        "double" => DOUBLE,
        "int32" => INT32,
        "int64" => INT64,
        "uint32" => UINT32,
        "uint64" => UINT64,
        "sint32" => SINT32,
        "sint64" => SINT64,
        "fixed32" => FIXED32,
        "fixed64" => FIXED64,
        "sfixed32" => SFIXED32,
        "sfixed64" => SFIXED64,
        "bool" => BOOL,
        "string" => STRING,
        "bytes" => BYTES,
        "enum" => ENUM,
        "repeated" => REPEATED,
        "map" => MAP,
        "any" => ANY,
        "duration" => DURATION,
        "field_mask" => FIELD_MASK,
        "timestamp" => TIMESTAMP,
        _ => return None,
    })
}
