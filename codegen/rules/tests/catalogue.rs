//! The catalogue is exactly the rule fields of PGV's `validate/validate.proto` and
//! protovalidate's `buf/validate/validate.proto`, read through protox and prost-reflect.

use std::path::Path;

use prost_reflect::{DescriptorPool, FieldDescriptor, Kind, MessageDescriptor};
use protogate_rules::catalogue::{self, Dialect, RuleSpec, ValueKind};

fn pool(include: &Path, file: &str) -> DescriptorPool {
    let mut compiler = protox::Compiler::new([include]).expect("include path");
    compiler.include_imports(true);
    compiler
        .open_file(file)
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let bytes = compiler.encode_file_descriptor_set();
    DescriptorPool::decode(bytes.as_slice()).expect("descriptor set")
}

fn kind(field: &FieldDescriptor) -> ValueKind {
    match field.kind() {
        Kind::Bool => ValueKind::Bool,
        Kind::Float => ValueKind::Float,
        Kind::Double => ValueKind::Double,
        Kind::Int32 => ValueKind::Int32,
        Kind::Int64 => ValueKind::Int64,
        Kind::Uint32 => ValueKind::Uint32,
        Kind::Uint64 => ValueKind::Uint64,
        Kind::Sint32 => ValueKind::Sint32,
        Kind::Sint64 => ValueKind::Sint64,
        Kind::Fixed32 => ValueKind::Fixed32,
        Kind::Fixed64 => ValueKind::Fixed64,
        Kind::Sfixed32 => ValueKind::Sfixed32,
        Kind::Sfixed64 => ValueKind::Sfixed64,
        Kind::String => ValueKind::String,
        Kind::Bytes => ValueKind::Bytes,
        Kind::Enum(e) if e.name() == "KnownRegex" => ValueKind::KnownRegex,
        Kind::Message(m) => match m.full_name() {
            "google.protobuf.Duration" => ValueKind::Duration,
            "google.protobuf.Timestamp" => ValueKind::Timestamp,
            "google.protobuf.FieldMask" => ValueKind::FieldMask,
            name if name.ends_with(".FieldRules") => ValueKind::ElementRules,
            other => panic!("{}: unexpected message {other}", field.full_name()),
        },
        other => panic!("{}: unexpected kind {other:?}", field.full_name()),
    }
}

/// The fields of a message in declaration order (`fields()` goes by number).
fn declared(message: &MessageDescriptor) -> Vec<FieldDescriptor> {
    message
        .descriptor_proto()
        .field
        .iter()
        .filter_map(|f| message.get_field_by_name(f.name()))
        .collect()
}

/// The rules of a family's message, in declaration order.
fn rules_of(message: &MessageDescriptor) -> Vec<RuleSpec> {
    declared(message)
        .into_iter()
        .map(|f| RuleSpec {
            name: leak(f.name()),
            kind: kind(&f),
            list: f.is_list(),
        })
        .collect()
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// Each family of `FieldRules` (a message-typed field) with its rules.
fn families(field_rules: &MessageDescriptor) -> Vec<(String, Vec<RuleSpec>)> {
    declared(field_rules)
        .into_iter()
        .filter_map(|f| match f.kind() {
            Kind::Message(m) if m.name().ends_with("Rules") && !f.is_list() => {
                Some((f.name().to_string(), rules_of(&m)))
            }
            _ => None,
        })
        .collect()
}

fn catalogue_of(dialect: Dialect) -> Vec<(String, Vec<RuleSpec>)> {
    catalogue::families(dialect)
        .iter()
        .map(|f| (f.name.to_string(), f.rules.to_vec()))
        .collect()
}

fn sorted(mut families: Vec<(String, Vec<RuleSpec>)>) -> Vec<(String, Vec<RuleSpec>)> {
    families.sort_by(|a, b| a.0.cmp(&b.0));
    families
}

#[test]
fn pgv_catalogue_equals_validate_proto() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/proto");
    let pool = pool(&root, "validate/validate.proto");
    let field_rules = pool
        .get_message_by_name("validate.FieldRules")
        .expect("validate.FieldRules");
    let proto = families(&field_rules);
    assert_eq!(sorted(catalogue_of(Dialect::Pgv)), sorted(proto.clone()));
    let count: usize = proto.iter().map(|(_, r)| r.len()).sum();
    assert_eq!(count, 174, "PGV's field rules");
}

#[test]
fn protovalidate_catalogue_equals_buf_validate_proto() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/protovalidate");
    let pool = pool(&root, "buf/validate/validate.proto");
    let field_rules = pool
        .get_message_by_name("buf.validate.FieldRules")
        .expect("buf.validate.FieldRules");
    assert_eq!(
        sorted(catalogue_of(Dialect::Protovalidate)),
        sorted(families(&field_rules))
    );
    // The rules written on the field itself rather than in a family.
    let field_level: Vec<String> = declared(&field_rules)
        .into_iter()
        .filter(|f| f.containing_oneof().is_none())
        .map(|f| f.name().to_string())
        .collect();
    assert_eq!(field_level, catalogue::PROTOVALIDATE_FIELD_RULES);
}
