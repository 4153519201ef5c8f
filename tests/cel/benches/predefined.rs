//! Validating a message whose fields carry predefined rules (`proto/predefinedrules`): a valid
//! one, where every rule passes, and one whose string rule fails with a formatted message:
//! `cargo bench -p protogate-cel-test --bench predefined`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use protogate::Validate as _;
use protogate_cel_test::predefinedrules::Labelled;

fn valid() -> Labelled {
    Labelled {
        label: Some("env:prod".into()),
        level: Some(-3),
        names: vec!["n:a".into(), "n:b".into()],
        weights: [("w".to_string(), pbjson_types::DoubleValue { value: 1.25 })]
            .into_iter()
            .collect(),
        wait: Some(pbjson_types::Duration {
            seconds: 30,
            nanos: 0,
        }),
    }
}

fn bench(c: &mut Criterion) {
    let ok = valid();
    let broken = Labelled {
        label: Some("prod".into()),
        ..valid()
    };
    assert!(ok.validate_all().is_ok());
    assert!(broken.validate_all().is_err());
    c.bench_function("predefined/valid", |b| {
        b.iter(|| black_box(&ok).validate_all())
    });
    c.bench_function("predefined/string_rule_fails", |b| {
        b.iter(|| black_box(&broken).validate_all())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
