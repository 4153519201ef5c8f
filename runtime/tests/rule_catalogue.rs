//! The runtime's table of protovalidate's rule fields (names and types, for violations' rule
//! paths) agrees with the build-time rule catalogue, rule for rule and in order.

use protogate::rules::pv::catalogue as runtime;
use protogate_rules::catalogue::{self, Dialect, ValueKind};

/// `google.protobuf.FieldDescriptorProto.Type` of a rule's value.
fn descriptor_type(kind: ValueKind) -> i32 {
    match kind {
        ValueKind::Double => 1,
        ValueKind::Float => 2,
        ValueKind::Int64 => 3,
        ValueKind::Uint64 => 4,
        ValueKind::Int32 => 5,
        ValueKind::Fixed64 => 6,
        ValueKind::Fixed32 => 7,
        ValueKind::Bool => 8,
        ValueKind::String => 9,
        ValueKind::Duration
        | ValueKind::Timestamp
        | ValueKind::FieldMask
        | ValueKind::ElementRules => 11,
        ValueKind::Bytes => 12,
        ValueKind::Uint32 => 13,
        ValueKind::KnownRegex => 14,
        ValueKind::Sfixed32 => 15,
        ValueKind::Sfixed64 => 16,
        ValueKind::Sint32 => 17,
        ValueKind::Sint64 => 18,
    }
}

#[test]
fn every_protovalidate_family_has_the_catalogue_s_rules() {
    let families = catalogue::families(Dialect::Protovalidate);
    for family in families {
        let fields = runtime::family(family.name)
            .unwrap_or_else(|| panic!("the runtime has no `{}` rules", family.name));
        let runtime_rules: Vec<(&str, i32)> = fields.iter().map(|f| (f.name, f.ty)).collect();
        let catalogue_rules: Vec<(&str, i32)> = family
            .rules
            .iter()
            .map(|r| (r.name, descriptor_type(r.kind)))
            .collect();
        assert_eq!(runtime_rules, catalogue_rules, "`{}`", family.name);
    }
    // `FieldRules` itself: the field-level rules, then one field per family.
    let field_rules: Vec<&str> = runtime::FIELD_RULES.iter().map(|f| f.name).collect();
    let expected: Vec<&str> = catalogue::PROTOVALIDATE_FIELD_RULES
        .iter()
        .copied()
        .chain(families.iter().map(|f| f.name))
        .collect();
    assert_eq!(field_rules, expected);
}
