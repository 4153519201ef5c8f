//! Editions files read as their proto2 or proto3 equivalent, proven on the protovalidate
//! conformance suite's case descriptors (`tests/pv-conformance/cases.binpb`, which hold
//! edition 2023 files).

use prost_reflect::{Cardinality, DescriptorPool, DynamicMessage, FieldDescriptor, Syntax, Value};
use protogate_codegen::load::editions;

fn fixture() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/pv-conformance/cases.binpb");
    std::fs::read(path).expect("the conformance case descriptors")
}

const CASES: &str = "buf.validate.conformance.cases";

fn rewritten() -> DescriptorPool {
    let set = editions::without_editions(&fixture())
        .unwrap()
        .expect("the fixture holds editions files");
    DescriptorPool::decode(set.as_slice()).unwrap()
}

fn field(pool: &DescriptorPool, message: &str, field: &str) -> FieldDescriptor {
    pool.get_message_by_name(&format!("{CASES}.{message}"))
        .unwrap_or_else(|| panic!("{message}"))
        .get_field_by_name(field)
        .unwrap()
}

#[test]
fn legacy_required_and_delimited_become_required_labels_and_groups() {
    let pool = rewritten();
    let required = field(&pool, "RequiredEditionsScalarLegacyRequired", "val");
    assert_eq!(required.cardinality(), Cardinality::Required);
    let delimited = field(
        &pool,
        "RequiredEditionsMessageExplicitPresenceDelimited",
        "val",
    );
    assert!(delimited.is_group());
    assert!(delimited.supports_presence());
    let message_required = field(&pool, "RequiredEditionsMessageLegacyRequired", "val");
    assert_eq!(message_required.cardinality(), Cardinality::Required);
    assert!(!message_required.is_group());
}

#[test]
fn implicit_presence_is_a_plain_proto3_field_and_explicit_a_proto3_optional() {
    let pool = rewritten();
    let implicit = field(&pool, "RequiredEditionsScalarImplicitPresence", "val");
    assert_eq!(implicit.parent_file().syntax(), Syntax::Proto3);
    assert!(!implicit.supports_presence());
    assert!(implicit.containing_oneof().is_none());
    let explicit = field(&pool, "RequiredEditionsScalarExplicitPresence", "val");
    assert!(explicit.supports_presence());
    assert!(explicit.field_descriptor_proto().proto3_optional());
    let synthetic = explicit.containing_oneof().expect("a synthetic oneof");
    assert!(synthetic.is_synthetic());
    assert_eq!(synthetic.name(), "_val");
    // A default value stays with the explicit field.
    let with_default = field(
        &pool,
        "RequiredEditionsScalarExplicitPresenceDefault",
        "val",
    );
    assert_eq!(with_default.field_descriptor_proto().default_value(), "foo");
    // A real oneof keeps its members; no synthetic oneof is added for them.
    let member = field(&pool, "RequiredEditionsOneof", "a");
    assert!(!member.containing_oneof().unwrap().is_synthetic());
}

#[test]
fn implicit_presence_set_on_the_file_applies_to_its_fields() {
    // `edition = "2023"; option features.field_presence = IMPLICIT;
    //  message M { int32 plain = 1; int32 explicit = 2 [features.field_presence = EXPLICIT]; }`
    let m = message(
        "DescriptorProto",
        vec![
            ("name", Value::String("M".into())),
            (
                "field",
                Value::List(vec![
                    scalar("plain", 1, None),
                    scalar("explicit", 2, Some(1)),
                ]),
            ),
        ],
    );
    let file = message(
        "FileDescriptorProto",
        vec![
            ("name", Value::String("implicit.proto".into())),
            ("package", Value::String("t".into())),
            ("syntax", Value::String("editions".into())),
            ("edition", Value::EnumNumber(1000)),
            ("options", options("FileOptions", 2)),
            ("message_type", Value::List(vec![m])),
        ],
    );
    let set = message("FileDescriptorSet", vec![("file", Value::List(vec![file]))]);
    let bytes = match set {
        Value::Message(set) => prost::Message::encode_to_vec(&set),
        _ => unreachable!("message() builds messages"),
    };
    let rewritten = editions::without_editions(&bytes).unwrap().unwrap();
    let pool = DescriptorPool::decode(rewritten.as_slice()).unwrap();
    let m = pool.get_message_by_name("t.M").unwrap();
    assert!(!m.get_field_by_name("plain").unwrap().supports_presence());
    assert!(m.get_field_by_name("explicit").unwrap().supports_presence());

    // Through the generator: the model and the Rust types follow the same presence.
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("implicit.binpb");
    std::fs::write(&path, &bytes).unwrap();
    let inputs = protogate_codegen::pipeline::Inputs {
        proto: protogate_codegen::pipeline::ProtoSource::DescriptorSet(path),
        openapi: None,
        model: Default::default(),
    };
    let output = protogate_codegen::pipeline::run(&inputs).unwrap();
    let model = output.api.message("t.M").unwrap();
    assert!(!model.field("plain").unwrap().has_presence);
    assert!(model.field("explicit").unwrap().has_presence);
    let rust = output
        .files
        .iter()
        .find(|(name, _)| name.as_str() == "t.rs")
        .map(|(_, text)| text.replace(char::is_whitespace, ""))
        .expect("t.rs");
    assert!(rust.contains("pubplain:i32"), "{rust}");
    assert!(
        rust.contains("pubexplicit:::core::option::Option<i32>"),
        "{rust}"
    );
}

/// A `google.protobuf.<name>` message with these fields set.
fn message(name: &str, fields: Vec<(&str, Value)>) -> Value {
    let desc = DescriptorPool::global()
        .get_message_by_name(&format!("google.protobuf.{name}"))
        .unwrap();
    let mut m = DynamicMessage::new(desc);
    for (field, value) in fields {
        m.set_field_by_name(field, value);
    }
    Value::Message(m)
}

/// `<options> { features { field_presence: presence } }`.
fn options(name: &str, presence: i32) -> Value {
    let features = message(
        "FeatureSet",
        vec![("field_presence", Value::EnumNumber(presence))],
    );
    message(name, vec![("features", features)])
}

/// An optional `int32` field, with a field-level presence feature when given.
fn scalar(name: &str, number: i32, presence: Option<i32>) -> Value {
    let mut fields = vec![
        ("name", Value::String(name.into())),
        ("number", Value::I32(number)),
        ("label", Value::EnumNumber(1)),
        ("type", Value::EnumNumber(5)),
    ];
    if let Some(p) = presence {
        fields.push(("options", options("FieldOptions", p)));
    }
    message("FieldDescriptorProto", fields)
}

#[test]
fn a_file_without_implicit_presence_stays_proto2() {
    let pool = rewritten();
    let groups = pool
        .files()
        .find(|f| f.name().ends_with("groups_editions.proto"))
        .expect("the groups file");
    assert_eq!(groups.syntax(), Syntax::Proto2);
}

#[test]
fn a_set_without_editions_files_is_left_alone() {
    let set = prost_types::FileDescriptorSet {
        file: vec![prost_types::FileDescriptorProto {
            name: Some("plain.proto".into()),
            syntax: Some("proto3".into()),
            ..Default::default()
        }],
    };
    let bytes = prost::Message::encode_to_vec(&set);
    assert!(editions::without_editions(&bytes).unwrap().is_none());
}
