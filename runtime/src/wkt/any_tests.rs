use prost::Message as _;
use prost_types::{
    field_descriptor_proto::{Label, Type},
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet,
};
use serde_json::json;

use super::*;

/// `anytest.v1.Ping { string text = 1; int64 n = 2; google.protobuf.Any inner = 3; }`.
#[derive(Clone, PartialEq, prost::Message)]
struct Ping {
    #[prost(string, tag = "1")]
    text: String,
    #[prost(int64, tag = "2")]
    n: i64,
    #[prost(message, optional, tag = "3")]
    inner: Option<Any>,
}

impl prost::Name for Ping {
    const NAME: &'static str = "Ping";
    const PACKAGE: &'static str = "anytest.v1";
}

fn field(name: &str, number: i32, ty: Type, type_name: Option<&str>) -> FieldDescriptorProto {
    FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(Label::Optional as i32),
        r#type: Some(ty as i32),
        type_name: type_name.map(str::to_string),
        json_name: None,
        ..Default::default()
    }
}

fn register_ping() {
    let file = FileDescriptorProto {
        name: Some("anytest/v1/ping.proto".into()),
        package: Some("anytest.v1".into()),
        dependency: vec!["google/protobuf/any.proto".into()],
        syntax: Some("proto3".into()),
        message_type: vec![DescriptorProto {
            name: Some("Ping".into()),
            field: vec![
                field("text", 1, Type::String, None),
                field("n", 2, Type::Int64, None),
                field("inner", 3, Type::Message, Some(".google.protobuf.Any")),
            ],
            ..Default::default()
        }],
        ..Default::default()
    };
    let set = FileDescriptorSet { file: vec![file] }.encode_to_vec();
    register_descriptors(&set).unwrap();
    // Registering the same files again is harmless.
    register_descriptors(&set).unwrap();
}

#[test]
fn a_registered_message_is_its_json_plus_at_type() {
    register_ping();
    let any = Any::pack(&Ping {
        text: "hi".into(),
        n: 5,
        inner: None,
    });
    let value = serde_json::to_value(&any).unwrap();
    assert_eq!(
        value,
        json!({"@type": "type.googleapis.com/anytest.v1.Ping", "text": "hi", "n": "5"})
    );
    let back: Any = serde_json::from_value(value).unwrap();
    assert_eq!(back, any);
    assert_eq!(back.unpack::<Ping>().unwrap().unwrap().n, 5);
    assert_eq!(back.unpack::<crate::wkt::Timestamp>().unwrap(), None);
}

#[test]
fn an_any_inside_an_any_and_a_well_known_type_with_its_value_member() {
    register_ping();
    let time = crate::wkt::Timestamp {
        seconds: 1,
        nanos: 0,
    };
    let outer = Any::pack(&Ping {
        text: String::new(),
        n: 0,
        inner: Some(Any::pack(&time)),
    });
    let value = serde_json::to_value(&outer).unwrap();
    assert_eq!(
        value,
        json!({
            "@type": "type.googleapis.com/anytest.v1.Ping",
            "inner": {
                "@type": "type.googleapis.com/google.protobuf.Timestamp",
                "value": "1970-01-01T00:00:01Z"
            }
        })
    );
    let back: Any = serde_json::from_value(value).unwrap();
    let inner = back.unpack::<Ping>().unwrap().unwrap().inner.unwrap();
    assert_eq!(inner.unpack::<crate::wkt::Timestamp>().unwrap(), Some(time));
}

#[test]
fn reading_ignores_unknown_members_and_accepts_at_type_anywhere() {
    register_ping();
    let any: Any = serde_json::from_str(
        r#"{"text": "x", "future": 1, "@type": "type.googleapis.com/anytest.v1.Ping"}"#,
    )
    .unwrap();
    assert_eq!(any.unpack::<Ping>().unwrap().unwrap().text, "x");
}

#[test]
fn an_empty_any_is_an_empty_object() {
    assert_eq!(serde_json::to_string(&Any::default()).unwrap(), "{}");
    let back: Any = serde_json::from_str("{}").unwrap();
    assert_eq!(back, Any::default());
}

#[test]
fn an_any_holding_empty_is_its_type_alone_and_reads_with_or_without_value() {
    let empty = Any {
        type_url: "type.googleapis.com/google.protobuf.Empty".to_string(),
        value: bytes::Bytes::new(),
    };
    for text in [
        r#"{"@type": "type.googleapis.com/google.protobuf.Empty"}"#,
        r#"{"@type": "type.googleapis.com/google.protobuf.Empty", "value": {}}"#,
    ] {
        let any: Any = serde_json::from_str(text).unwrap();
        assert_eq!(any, empty, "{text}");
    }
    assert_eq!(
        serde_json::to_value(&empty).unwrap(),
        json!({"@type": "type.googleapis.com/google.protobuf.Empty"})
    );
}

#[test]
fn an_unregistered_type_is_an_error_not_a_guess() {
    let any = Any {
        type_url: "type.googleapis.com/nowhere.Thing".into(),
        value: Bytes::from_static(b"\x08\x01"),
    };
    let err = serde_json::to_string(&any).unwrap_err().to_string();
    assert!(err.contains("nowhere.Thing"), "{err}");
    assert!(err.contains("register_descriptors"), "{err}");
    let err = serde_json::from_str::<Any>(r#"{"@type": "type.googleapis.com/nowhere.Thing"}"#)
        .unwrap_err();
    assert!(err.to_string().contains("nowhere.Thing"), "{err}");
}

#[test]
fn a_bad_descriptor_set_is_refused() {
    let err = register_descriptors(b"\xff\xff").unwrap_err();
    assert!(err.to_string().contains("cannot register"), "{err}");
}

#[test]
fn converts_to_and_from_the_prost_and_pbjson_types() {
    let any = Any {
        type_url: "type.googleapis.com/a.B".into(),
        value: Bytes::from_static(b"\x01"),
    };
    let prost: prost_types::Any = any.clone().into();
    assert_eq!(Any::from(prost), any);
    let pbjson: pbjson_types::Any = any.clone().into();
    assert_eq!(Any::from(pbjson), any);
    // The wire form is the same as prost-types'.
    assert_eq!(
        any.encode_to_vec(),
        prost_types::Any::from(any.clone()).encode_to_vec()
    );
}
