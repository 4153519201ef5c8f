//! The fuzz targets' properties (`protogate_props`) on seeded, mutated inputs.
//!
//! Bounded for `cargo test`: `PROPS_ITERATIONS` inputs per target (default 500, a few
//! seconds in all). The full run: `PROPS_ITERATIONS=1000000 cargo test -p protogate-props
//! --release --test properties`. `PROPS_SEED` picks another seed.

use protogate_props::{self as props, gen, regressions, seeds, Harness};

fn iterations() -> usize {
    std::env::var("PROPS_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

fn seed(salt: u64) -> u64 {
    let base = std::env::var("PROPS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_cafe_f00d_u64);
    base ^ salt
}

fn drive(salt: u64, seeds: &[&[u8]], mut property: impl FnMut(&[u8])) {
    for s in seeds {
        property(s);
    }
    let mut rng = gen::Rng::new(seed(salt));
    for _ in 0..iterations() {
        let input = gen::mutate(&mut rng, seeds);
        property(&input);
    }
}

#[test]
fn grpc_bodies_never_get_a_server_error() {
    let h = Harness::new();
    for r in regressions::GRPC {
        props::grpc_body(&h, r);
    }
    drive(1, seeds::GRPC, |d| props::grpc_body(&h, d));
}

#[test]
fn grpc_web_bodies_never_get_a_server_error() {
    let h = Harness::new();
    for r in regressions::GRPC_WEB {
        props::grpc_web_body(&h, r);
    }
    drive(2, seeds::GRPC_WEB, |d| props::grpc_web_body(&h, d));
}

#[test]
fn rest_query_strings_never_get_a_server_error() {
    let h = Harness::new();
    drive(3, seeds::QUERY, |d| props::rest_query(&h, d));
}

#[test]
fn the_harness_reaches_the_handler() {
    let h = Harness::new();
    let verify = |body: &str| {
        let request = h
            .request("POST", "/auth/v1/users/me/phone/_verify")
            .header("content-type", "application/json")
            .body(body.to_string().into())
            .expect("request");
        h.send(request)
    };
    let wrong = verify(r#"{"code":"000000"}"#);
    assert_eq!(wrong.status, 400, "{:?}", wrong.body);
    let right = verify(&format!(r#"{{"code":"{}"}}"#, props::PENDING_CODE));
    assert_eq!(right.status, 200, "{:?}", right.body);
    let phone = h.send(
        h.request("GET", "/auth/v1/users/me/phone")
            .body("".into())
            .expect("request"),
    );
    let body: serde_json::Value = serde_json::from_slice(&phone.body).expect("JSON");
    assert_eq!(body["phone"]["isPhoneVerified"], true, "{body}");
}

#[test]
fn rest_and_connect_bodies_never_get_a_server_error() {
    let h = Harness::new();
    drive(4, seeds::JSON, |d| {
        props::rest_body(&h, d);
        props::connect_body(&h, d);
    });
}

#[test]
fn path_templates_match_their_own_shape_and_nothing_panics() {
    drive(5, seeds::PATH, props::path_match);
    drive(6, seeds::QUERY, props::percent);
}

#[test]
fn json_and_protobuf_decoding_round_trip() {
    drive(7, seeds::JSON, props::json_decode);
    drive(8, seeds::GRPC, props::proto_decode);
}

#[test]
fn validators_agree_with_pgv_written_out() {
    drive(9, seeds::TEXT, props::validators);
}
