//! The example's per-RPC metrics: calls over every protocol show up at `GET /metrics` in
//! Prometheus text with OpenTelemetry's RPC names, labels and status codes.

use crate::common::api::{Call, Protocol, ALL};
use crate::common::{Backend, Env};

/// The value of the Prometheus sample whose line starts with `series` (name and labels).
fn sample(page: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    page.lines()
        .filter(|l| l.starts_with(name) && !l.starts_with('#'))
        .filter(|l| {
            labels
                .iter()
                .all(|(k, v)| l.contains(&format!("{k}=\"{v}\"")))
        })
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .reduce(|a, b| a + b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_calls_per_method_protocol_and_code() {
    let Some(env) = Env::new(Backend::Sqlite).await else {
        return;
    };
    let server = env.start(&[]).await;
    let token = env.user("metrics-user", "org").await;
    for protocol in ALL {
        let mut api = server.api(protocol, Some(&token)).await;
        api.call(Call::Get).await.expect("get");
        let refused = api.call(Call::Verify(String::new())).await;
        assert!(refused.is_err(), "an empty code is refused");
    }
    let mut anonymous = server.api(Protocol::Grpc, None).await;
    assert!(anonymous.call(Call::Get).await.is_err());

    let page = reqwest::get(format!("{}/metrics", server.base()))
        .await
        .expect("GET /metrics");
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let page = page.text().await.expect("text");
    let calls = |method: &str, protocol: &str, code: &str| {
        sample(
            &page,
            "rpc_server_calls",
            &[
                ("rpc_service", "zitadel.auth.v1.AuthService"),
                ("rpc_method", method),
                ("protogate_protocol", protocol),
                ("rpc_grpc_status_code", code),
            ],
        )
        .unwrap_or(0.0)
    };
    for protocol in ["rest", "grpc", "grpc_web", "connect"] {
        assert_eq!(
            calls("GetMyPhone", protocol, "0"),
            1.0,
            "{protocol}\n{page}"
        );
        assert_eq!(
            calls("VerifyMyPhone", protocol, "3"),
            1.0,
            "{protocol}\n{page}"
        );
    }
    // The anonymous call: UNAUTHENTICATED, counted like any other outcome.
    assert_eq!(calls("GetMyPhone", "grpc", "16"), 1.0, "{page}");
    assert_eq!(
        sample(
            &page,
            "rpc_server_calls",
            &[("rpc_system", "connect_rpc"), ("rpc_method", "GetMyPhone")]
        ),
        Some(1.0),
        "{page}"
    );
    // The duration histogram, in OpenTelemetry's buckets: every call lands in +Inf.
    let all_rest = sample(
        &page,
        "rpc_server_duration_bucket",
        &[
            ("rpc_method", "GetMyPhone"),
            ("protogate_protocol", "rest"),
            ("le", "+Inf"),
        ],
    );
    assert_eq!(all_rest, Some(1.0), "{page}");
    assert!(page.contains("rpc_server_response_size_bucket"), "{page}");
    assert!(page.contains("rpc_server_request_size_sum"), "{page}");
}
