//! protogate's generated protovalidate validators against prost-protovalidate, in one run:
//! its runtime `Validator` (rules read from descriptors, `cel` rules interpreted by the `cel`
//! crate) on every message, and the validators prost-protovalidate-build generates on the
//! messages without `cel` rules (it generates none for the others).
//!
//! `cargo bench -p protogate-cel-test --features compare --bench protovalidate`
//!
//! Each message is benchmarked valid (the common case) and with one broken rule. Before anything
//! is measured, every input is checked once: all implementations agree on valid or invalid and
//! on the number of violations (every violation is collected, as protovalidate does), and the
//! allocations of one validation are counted and printed.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use prost_protovalidate::Validator;
use prost_reflect::{DescriptorPool, DynamicMessage};
use protogate_cel_test::allocations::{allocations, CountingAllocator};
use protogate_cel_test::prost_generated::{self, DESCRIPTORS};
use protogate_cel_test::{celrules, pvcases};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Allocations of one call, averaged over a hundred after a first (which may fill caches:
/// compiled regexes, prost-protovalidate's evaluators).
fn allocations_per_call(mut call: impl FnMut()) -> f64 {
    call();
    let before = allocations();
    for _ in 0..100 {
        call();
    }
    (allocations() - before) as f64 / 100.0
}

/// prost-protovalidate's runtime mode: one `Validator`, reused, and the descriptors of both
/// schemas. Messages are handed to it as `DynamicMessage`s, its cheapest input: a prost struct
/// would first be transcoded (encoded and decoded) into one.
struct Runtime {
    validator: Validator,
    pool: DescriptorPool,
}

impl Runtime {
    fn new() -> Runtime {
        Runtime {
            validator: Validator::new(),
            pool: DescriptorPool::decode(DESCRIPTORS).expect("descriptor set"),
        }
    }

    /// The same message, decoded from protogate's encoding.
    fn dynamic<P: prost::Name>(&self, encoded: &[u8]) -> DynamicMessage {
        let descriptor = self
            .pool
            .get_message_by_name(&P::full_name())
            .expect("message in the descriptor set");
        DynamicMessage::decode(descriptor, encoded).expect("decodes")
    }

    fn violations(&self, message: &DynamicMessage) -> usize {
        match self.validator.validate(message) {
            Ok(()) => 0,
            Err(prost_protovalidate::Error::Validation(error)) => error.len(),
            Err(error) => panic!("prost-protovalidate could not validate: {error}"),
        }
    }
}

/// The calls the server makes for a protovalidate message: every violation.
fn protogate_violations(message: &impl protogate::Validate) -> usize {
    message
        .validate_all()
        .map_or_else(|v| v.iter().count(), |()| 0)
}

fn generated_violations(message: &impl prost_protovalidate::Validate) -> usize {
    message.validate().map_or_else(|e| e.len(), |()| 0)
}

/// A group's measurements, run after every input has been checked.
type Measure<'a> = Box<dyn FnOnce(&mut Criterion) + 'a>;

/// A message with `cel` rules: protogate against the runtime `Validator`.
fn cel_input<'a, P>(runtime: &'a Runtime, name: &'static str, message: P) -> Measure<'a>
where
    P: protogate::Validate + prost::Message + prost::Name + 'a,
{
    let dynamic = runtime.dynamic::<P>(&message.encode_to_vec());
    let expected = protogate_violations(&message);
    assert_eq!(expected == 0, name.ends_with("_valid"), "{name}: protogate");
    assert_eq!(runtime.violations(&dynamic), expected, "{name}: runtime");
    report_allocations(
        name,
        [
            (
                "protogate",
                allocations_per_call(|| drop(message.validate_all())),
            ),
            (
                "runtime",
                allocations_per_call(|| drop(runtime.validator.validate(&dynamic))),
            ),
        ],
    );
    Box::new(move |c| {
        let mut group = c.benchmark_group(name);
        measure_protogate_and_runtime(&mut group, runtime, &message, &dynamic);
        group.finish();
    })
}

/// A message with standard rules only: protogate against both modes of prost-protovalidate;
/// `G` is prost-build's type of the same message.
fn standard_input<'a, P, G>(runtime: &'a Runtime, name: &'static str, message: P) -> Measure<'a>
where
    P: protogate::Validate + prost::Message + prost::Name + 'a,
    G: prost_protovalidate::Validate + prost::Message + Default + 'a,
{
    let encoded = message.encode_to_vec();
    let dynamic = runtime.dynamic::<P>(&encoded);
    let generated = G::decode(encoded.as_slice()).expect("decodes");
    let expected = protogate_violations(&message);
    assert_eq!(expected == 0, name.ends_with("_valid"), "{name}: protogate");
    assert_eq!(runtime.violations(&dynamic), expected, "{name}: runtime");
    assert_eq!(
        generated_violations(&generated),
        expected,
        "{name}: generated"
    );
    report_allocations(
        name,
        [
            (
                "protogate",
                allocations_per_call(|| drop(message.validate_all())),
            ),
            (
                "runtime",
                allocations_per_call(|| drop(runtime.validator.validate(&dynamic))),
            ),
            (
                "generated",
                allocations_per_call(|| drop(generated.validate())),
            ),
        ],
    );
    Box::new(move |c| {
        let mut group = c.benchmark_group(name);
        measure_protogate_and_runtime(&mut group, runtime, &message, &dynamic);
        group.bench_function("prost-protovalidate generated", |b| {
            b.iter(|| black_box(&generated).validate())
        });
        group.finish();
    })
}

fn measure_protogate_and_runtime<P: protogate::Validate>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    runtime: &Runtime,
    message: &P,
    dynamic: &DynamicMessage,
) {
    group.bench_function("protogate", |b| {
        b.iter(|| black_box(message).validate_all())
    });
    group.bench_function("prost-protovalidate runtime", |b| {
        b.iter(|| runtime.validator.validate(black_box(dynamic)))
    });
}

fn report_allocations<const N: usize>(name: &str, counts: [(&str, f64); N]) {
    let counts: Vec<String> = counts
        .iter()
        .map(|(who, count)| format!("{who} {count}"))
        .collect();
    eprintln!("allocations per validation, {name}: {}", counts.join(", "));
}

fn account() -> celrules::Account {
    celrules::Account {
        handle: "@ada_l".into(),
        soft_limit: 10,
        hard_limit: 30,
        roles: vec!["admin".into(), "viewer".into()],
        quotas: [("cpu".to_string(), 4)].into_iter().collect(),
        created: Some(protogate::wkt::Timestamp {
            seconds: 1_700_000_000,
            nanos: 0,
        }),
    }
}

fn payment() -> celrules::Payment {
    celrules::Payment {
        amount: 500,
        method: Some(celrules::payment::Method::Card("1234567812345678".into())),
    }
}

fn strings() -> pvcases::Strings {
    pvcases::Strings {
        len: "abc".into(),
        exact: "abc".into(),
        bytes: "abc".into(),
        len_bytes: "abcd".into(),
        konst: "abc".into(),
        r#in: "bc".into(),
        not_in: "z".into(),
        affixes: "+421".into(),
        pattern: "ab-c1".into(),
        multi: "ab".into(),
    }
}

fn formats() -> pvcases::Formats {
    pvcases::Formats {
        email: "ada@example.com".into(),
        hostname: "api.example.com".into(),
        ip: "10.0.0.1".into(),
        ipv4: "192.168.1.20".into(),
        ipv6: "2001:db8::1".into(),
        address: "example.com".into(),
        uuid: "123e4567-e89b-12d3-a456-426614174000".into(),
        tuuid: "123e4567e89b12d3a456426614174000".into(),
        ulid: "01ARZ3NDEKTSV4RRFFQ69G5FAV".into(),
        host_and_port: "example.com:443".into(),
        fqn: "pvcases.Formats".into(),
        dot_fqn: ".pvcases.Formats".into(),
        header_name: "content-type".into(),
        header_value: "text/plain".into(),
        header_name_loose: "x-trace".into(),
        header_value_loose: "abc".into(),
    }
}

fn collections() -> pvcases::Collections {
    pvcases::Collections {
        items: vec!["ab".into(), "cd".into()],
        ints: vec![1, 2, 3],
        leaves: vec![pvcases::Leaf {
            name: "leaf".into(),
            n: 1,
        }],
        skip_zero: vec![String::new(), "ab".into()],
        required: vec!["a".into(), "b".into()],
        if_zero: Vec::new(),
        doubles: vec![1.0, 2.5],
        blobs: vec![b"a".to_vec(), b"bc".to_vec()],
    }
}

fn bench(c: &mut Criterion) {
    use prost_generated::pvcases as generated;

    let runtime = Runtime::new();
    let measures = vec![
        cel_input(&runtime, "cel_account_valid", account()),
        cel_input(
            &runtime,
            "cel_account_invalid",
            celrules::Account {
                handle: "ada".into(),
                ..account()
            },
        ),
        cel_input(&runtime, "cel_payment_valid", payment()),
        cel_input(
            &runtime,
            "cel_payment_invalid",
            celrules::Payment {
                amount: 5000,
                ..payment()
            },
        ),
        standard_input::<_, generated::Strings>(&runtime, "standard_strings_valid", strings()),
        standard_input::<_, generated::Strings>(
            &runtime,
            "standard_strings_invalid",
            pvcases::Strings {
                len: "toolong".into(),
                ..strings()
            },
        ),
        standard_input::<_, generated::Formats>(&runtime, "standard_formats_valid", formats()),
        standard_input::<_, generated::Formats>(
            &runtime,
            "standard_formats_invalid",
            pvcases::Formats {
                email: "not-an-email".into(),
                ..formats()
            },
        ),
        standard_input::<_, generated::Collections>(
            &runtime,
            "standard_collections_valid",
            collections(),
        ),
        standard_input::<_, generated::Collections>(
            &runtime,
            "standard_collections_invalid",
            pvcases::Collections {
                items: vec!["ab".into(), "ab".into()],
                ..collections()
            },
        ),
    ];
    for measure in measures {
        measure(c);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
