//! proto3 JSON speed of a generated message (`TestAllTypesProto3`, every kind of field): reading
//! and writing a typical API payload and a one-field request, with serde_json as the server does:
//! `cargo bench -p protogate-protobuf-conformance --bench json`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};

/// `protobuf_test_messages.proto3`, as the testee includes it.
pub mod generated {
    protogate::include_generated!("protobuf_test_messages.proto3");
}

use generated::TestAllTypesProto3;

/// Scalars, 64-bit integers, bytes, enums, lists, maps, nested messages, well-known types and
/// a oneof: about 1.3 KB.
const PAYLOAD: &str = r#"{
  "optionalInt32": -42, "optionalInt64": "9007199254740993", "optionalUint32": 7,
  "optionalUint64": "18446744073709551615", "optionalSint32": -5, "optionalFixed64": "12",
  "optionalFloat": 1.5, "optionalDouble": 2.718281828459045, "optionalBool": true,
  "optionalString": "a phone number verification code", "optionalBytes": "aGVsbG8gd29ybGQ=",
  "optionalNestedMessage": {"a": 17}, "optionalNestedEnum": "BAZ",
  "optionalForeignEnum": "FOREIGN_BAR",
  "repeatedInt32": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  "repeatedInt64": ["1", "22", "333", "4444"],
  "repeatedString": ["alpha", "beta", "gamma", "delta", "epsilon"],
  "repeatedNestedMessage": [{"a": 1}, {"a": 2}, {"a": 3}],
  "repeatedNestedEnum": ["FOO", "BAR", "BAZ"],
  "mapStringString": {"region": "eu-west-1", "tier": "gold", "owner": "69629023906488334"},
  "mapInt32Int32": {"1": 10, "2": 20, "3": 30},
  "mapStringNestedMessage": {"first": {"a": 1}, "second": {"a": 2}},
  "optionalTimestamp": "2023-05-10T12:34:56.789Z", "optionalDuration": "3600.500s",
  "optionalStringWrapper": "wrapped", "optionalInt64Wrapper": "123456789",
  "optionalStruct": {"name": "x", "count": 3, "tags": ["a", "b"], "nested": {"ok": true}},
  "oneofString": "chosen"
}"#;

/// A request of one string field, like most RPC requests.
const SMALL: &str = r#"{"optionalString": "H83J3"}"#;

fn bench(c: &mut Criterion) {
    for (name, json) in [("typical", PAYLOAD), ("one_field", SMALL)] {
        let message: TestAllTypesProto3 =
            serde_json::from_str(json).expect("the payload is valid proto3 JSON");
        let bytes = serde_json::to_vec(&message).expect("the message writes");
        let again: TestAllTypesProto3 =
            serde_json::from_slice(&bytes).expect("the output reads back");
        assert_eq!(again, message, "{name}: the round trip keeps the message");
        c.bench_function(&format!("json/{name}/decode"), |b| {
            b.iter(|| serde_json::from_slice::<TestAllTypesProto3>(black_box(json.as_bytes())))
        });
        c.bench_function(&format!("json/{name}/encode"), |b| {
            b.iter(|| serde_json::to_vec(black_box(&message)))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
