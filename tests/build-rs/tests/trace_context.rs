//! The request span, as a tracing subscriber sees it: OpenTelemetry's RPC attributes and the
//! W3C trace context the call continues.

use std::sync::{Arc, Mutex};

use protogate::{RequestContext, Status};
use protogate_build_rs_test::probe::v1 as probe;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt as _};

/// Every field recorded on a `request` span, as `name=value`.
#[derive(Clone, Default)]
struct Recorded(Arc<Mutex<Vec<String>>>);

struct Collect<'a>(&'a Recorded);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let value = format!("{value:?}");
        let value = value.trim_matches('"').to_string();
        self.0
             .0
            .lock()
            .unwrap()
            .push(format!("{}={value}", field.name()));
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Recorded {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: Context<'_, S>,
    ) {
        if attrs.metadata().name() == "request" {
            attrs.record(&mut Collect(self));
        }
    }

    fn on_record(
        &self,
        _: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: Context<'_, S>,
    ) {
        values.record(&mut Collect(self));
    }
}

struct Projects;

impl probe::ProjectServiceHandler for Projects {
    async fn get_project(
        &self,
        _: &RequestContext,
        _: probe::GetProjectRequest,
    ) -> Result<probe::Project, Status> {
        Err(Status::not_found("no projects"))
    }

    async fn delete_project(
        &self,
        _: &RequestContext,
        _: probe::GetProjectRequest,
    ) -> Result<probe::Project, Status> {
        Err(Status::not_found("no projects"))
    }

    async fn who_am_i(
        &self,
        _: &RequestContext,
        _: probe::WhoAmIRequest,
    ) -> Result<probe::WhoAmIResponse, Status> {
        Ok(probe::WhoAmIResponse::default())
    }
}

#[tokio::test]
async fn request_span_carries_rpc_attributes_and_continues_the_traceparent() {
    let recorded = Recorded::default();
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(recorded.clone()))
        .expect("the only subscriber of this test binary");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = protogate::Server::new().service(probe::ProjectService::new(Projects));
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    let http = reqwest::Client::new();
    let answer = http
        .post(format!("http://{addr}/probe.v1.ProjectService/GetProject"))
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .json(&serde_json::json!({"projectId": "p1"}))
        .send()
        .await
        .unwrap();
    // No authenticator: the guard refuses, and the span says so.
    assert_eq!(answer.status(), 401);
    let fields = recorded.0.lock().unwrap().clone();
    for expected in [
        "rpc.system=connect_rpc",
        "rpc.service=probe.v1.ProjectService",
        "rpc.method=GetProject",
        "rpc.grpc.status_code=16",
        "trace_id=4bf92f3577b34da6a3ce929d0e0e4736",
        "parent_span_id=00f067aa0ba902b7",
    ] {
        assert!(
            fields.iter().any(|f| f == expected),
            "{expected} in {fields:?}"
        );
    }
    let span_id = fields
        .iter()
        .find_map(|f| f.strip_prefix("span_id="))
        .expect("a span id");
    assert_eq!(span_id.len(), 16, "{span_id}");
    assert_ne!(span_id, "00f067aa0ba902b7");

    // A malformed traceparent starts no trace.
    recorded.0.lock().unwrap().clear();
    http.post(format!("http://{addr}/probe.v1.ProjectService/WhoAmI"))
        .header(
            "traceparent",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        )
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    let fields = recorded.0.lock().unwrap().clone();
    assert!(
        fields.iter().any(|f| f == "rpc.method=WhoAmI"),
        "{fields:?}"
    );
    assert!(
        !fields.iter().any(|f| f.starts_with("trace_id=")),
        "{fields:?}"
    );
}
