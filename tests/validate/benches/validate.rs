//! Validating a valid VerifyMyPhoneRequest-shaped message (`code`, 1–200 code points): protogate's
//! generated validator, prost-validate's derive, and prost-reflect-validate's reflection, in
//! one run: `cargo bench -p protogate-validate-test --features compare --bench validate` (the
//! two others build with `protoc`; without the feature only protogate runs).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use protogate::Validate as _;
use protogate_validate_test::pgvcases::VerifyMyPhoneRequest;

#[cfg(feature = "compare")]
use prost_reflect::{DynamicMessage, ReflectMessage};
#[cfg(feature = "compare")]
use prost_reflect_validate::ValidatorExt as _;

/// The same message with prost-validate's derive attributes.
#[cfg(feature = "compare")]
#[derive(Clone, PartialEq, prost::Message, prost_validate::Validator)]
pub struct DeriveVerifyMyPhoneRequest {
    #[prost(string, tag = "1")]
    #[validate(
        name = "pgvcases.VerifyMyPhoneRequest.code",
        r#type(string(min_len = 1, max_len = 200))
    )]
    pub code: String,
}

#[cfg(feature = "compare")]
fn reflect_message() -> DynamicMessage {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let pool = protox::Compiler::new([
        root.join("tests/validate/proto"),
        root.join("schemas/proto"),
        root.join("codegen/tests/fixtures/protovalidate"),
    ])
    .expect("compiler")
    .include_imports(true)
    .open_file("pgvcases/cases.proto")
    .expect("schema")
    .descriptor_pool();
    let desc = pool
        .get_message_by_name("pgvcases.VerifyMyPhoneRequest")
        .expect("message");
    let mut msg = DynamicMessage::new(desc);
    msg.set_field_by_name("code", prost_reflect::Value::String("H83J3".into()));
    msg
}

fn bench(c: &mut Criterion) {
    let ours = VerifyMyPhoneRequest {
        code: "H83J3".into(),
    };
    assert!(ours.validate().is_ok());
    let mut group = c.benchmark_group("validate_valid_verify_my_phone_request");
    group.bench_function("protogate", |b| b.iter(|| black_box(&ours).validate()));
    #[cfg(feature = "compare")]
    compare(&mut group);
    group.finish();
}

#[cfg(feature = "compare")]
fn compare(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    let derived = DeriveVerifyMyPhoneRequest {
        code: "H83J3".into(),
    };
    assert!(prost_validate::Validator::validate(&derived).is_ok());
    let reflected = reflect_message();
    assert!(reflected.validate().is_ok());
    assert_eq!(reflected.descriptor().name(), "VerifyMyPhoneRequest");
    group.bench_function("prost-validate (derive)", |b| {
        b.iter(|| prost_validate::Validator::validate(black_box(&derived)))
    });
    group.bench_function("prost-reflect-validate", |b| {
        b.iter(|| black_box(&reflected).validate())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
