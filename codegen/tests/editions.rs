//! Editions files read as their proto2 equivalent, proven on the protovalidate conformance
//! suite's case descriptors (`tests/pv-conformance/cases.binpb`, which hold edition 2023 files).

use prost_reflect::{Cardinality, DescriptorPool};
use protogate_codegen::load::editions;

fn fixture() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/pv-conformance/cases.binpb");
    std::fs::read(path).expect("the conformance case descriptors")
}

const CASES: &str = "buf.validate.conformance.cases";

#[test]
fn features_become_proto2_labels_and_types() {
    let editions::Proto2Set {
        set,
        implicit_fields: implicit,
    } = editions::as_proto2_listing_implicit(&fixture())
        .unwrap()
        .expect("the fixture holds editions files");
    let pool = DescriptorPool::decode(set.as_slice()).unwrap();
    let field = |message: &str, field: &str| {
        pool.get_message_by_name(&format!("{CASES}.{message}"))
            .unwrap_or_else(|| panic!("{message}"))
            .get_field_by_name(field)
            .unwrap()
    };
    let required = field("RequiredEditionsScalarLegacyRequired", "val");
    assert_eq!(required.cardinality(), Cardinality::Required);
    let delimited = field("RequiredEditionsMessageExplicitPresenceDelimited", "val");
    assert!(delimited.is_group());
    assert!(delimited.supports_presence());
    let message_required = field("RequiredEditionsMessageLegacyRequired", "val");
    assert_eq!(message_required.cardinality(), Cardinality::Required);
    assert!(!message_required.is_group());
    assert!(implicit.contains(&format!(
        "{CASES}.RequiredEditionsScalarImplicitPresence.val"
    )));
}

#[test]
fn implicit_presence_is_refused_naming_the_field() {
    let err = editions::as_proto2(&fixture()).unwrap_err().to_string();
    assert!(err.contains("ImplicitPresence"), "{err}");
    assert!(err.contains("implicit presence"), "{err}");
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
    assert!(editions::as_proto2(&bytes).unwrap().is_none());
}
