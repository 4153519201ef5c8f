//! `grpc.health.v1.Health` as an ordinary service on the pipeline, so every protocol serves
//! it: `Check` answers a service's status, `Watch` streams its changes.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::StreamExt as _;
use serde::{Deserialize, Serialize};

use crate::context::RequestContext;
use crate::guard::Guard;
use crate::pipeline;
use crate::schema::{Described, FieldInfo, Kind, MessageInfo};
use crate::service::{
    BoxFuture, Idempotency, MethodInfo, MethodKind, Requests, ResponseStream, Responses, Service,
    ServiceInfo,
};
use crate::status::Status;
use crate::validate::{Collector, Validate};

/// A service's serving status, as `grpc.health.v1` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, prost::Enumeration)]
#[repr(i32)]
pub enum ServingStatus {
    /// Not known.
    Unknown = 0,
    /// Serving requests.
    Serving = 1,
    /// Not serving requests (draining, or down).
    NotServing = 2,
    /// The service is not known to the server (Watch only).
    ServiceUnknown = 3,
}

impl ServingStatus {
    pub(crate) fn name(self) -> &'static str {
        match self {
            ServingStatus::Unknown => "UNKNOWN",
            ServingStatus::Serving => "SERVING",
            ServingStatus::NotServing => "NOT_SERVING",
            ServingStatus::ServiceUnknown => "SERVICE_UNKNOWN",
        }
    }
}

/// `grpc.health.v1.HealthCheckRequest`.
#[derive(Clone, PartialEq, prost::Message, Deserialize)]
#[serde(default)]
pub struct HealthCheckRequest {
    /// The service asked about; empty for the whole server.
    #[prost(string, tag = "1")]
    pub service: String,
}

/// `grpc.health.v1.HealthCheckResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HealthCheckResponse {
    /// The status.
    #[prost(enumeration = "ServingStatus", tag = "1")]
    pub status: i32,
}

impl Serialize for HealthCheckResponse {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let status = ServingStatus::try_from(self.status).unwrap_or(ServingStatus::Unknown);
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("status", status.name())?;
        map.end()
    }
}

impl Validate for HealthCheckRequest {
    fn collect_violations(&self, _: &mut Collector) {}
}

impl Described for HealthCheckRequest {
    const INFO: &'static MessageInfo = &MessageInfo {
        full_name: "grpc.health.v1.HealthCheckRequest",
        fields: &[FieldInfo {
            name: "service",
            json_name: "service",
            kind: Kind::Text,
            repeated: false,
            map_key: None,
            oneof: false,
        }],
    };
}

impl Described for HealthCheckResponse {
    const INFO: &'static MessageInfo = &MessageInfo {
        full_name: "grpc.health.v1.HealthCheckResponse",
        fields: &[],
    };
}

const fn method(
    name: &'static str,
    full_name: &'static str,
    grpc_path: &'static str,
    kind: MethodKind,
) -> MethodInfo {
    MethodInfo {
        name,
        full_name,
        grpc_path,
        kind,
        guard: Guard::Public,
        idempotency: Idempotency::NoSideEffects,
        routes: &[],
        input: <HealthCheckRequest as Described>::info,
        output: <HealthCheckResponse as Described>::info,
    }
}

static HEALTH: ServiceInfo = ServiceInfo {
    name: "grpc.health.v1.Health",
    rest_prefix: "",
    methods: &[
        method(
            "Check",
            "grpc.health.v1.Health.Check",
            "/grpc.health.v1.Health/Check",
            MethodKind::Unary,
        ),
        method(
            "Watch",
            "grpc.health.v1.Health.Watch",
            "/grpc.health.v1.Health/Watch",
            MethodKind::ServerStreaming,
        ),
    ],
};

/// Sets the serving status the health service reports. Cloning shares the same table.
#[derive(Clone, Debug)]
pub struct HealthReporter {
    statuses: Arc<tokio::sync::watch::Sender<HashMap<String, ServingStatus>>>,
}

impl Default for HealthReporter {
    fn default() -> Self {
        HealthReporter::new()
    }
}

impl HealthReporter {
    /// A reporter whose server (`""`) is SERVING and knows no service yet.
    pub fn new() -> HealthReporter {
        let statuses = HashMap::from([(String::new(), ServingStatus::Serving)]);
        HealthReporter {
            statuses: Arc::new(tokio::sync::watch::Sender::new(statuses)),
        }
    }

    /// Sets `service`'s status (`""`: the whole server).
    pub fn set_service_status(&self, service: &str, status: ServingStatus) {
        self.statuses.send_modify(|statuses| {
            statuses.insert(service.to_string(), status);
        });
    }

    /// Marks `service` SERVING.
    pub fn set_serving(&self, service: &str) {
        self.set_service_status(service, ServingStatus::Serving);
    }

    /// Marks `service` NOT_SERVING, e.g. to drain traffic before shutting down.
    pub fn set_not_serving(&self, service: &str) {
        self.set_service_status(service, ServingStatus::NotServing);
    }

    /// `service`'s status, if it is known.
    pub fn status(&self, service: &str) -> Option<ServingStatus> {
        self.statuses.borrow().get(service).copied()
    }
}

/// The health service over a reporter.
pub(crate) struct Health(pub(crate) HealthReporter);

impl Service for Health {
    fn info(&self) -> &'static ServiceInfo {
        &HEALTH
    }

    fn call(
        &self,
        method: usize,
        ctx: RequestContext,
        requests: Requests,
    ) -> BoxFuture<Result<Responses, Status>> {
        let reporter = self.0.clone();
        match method {
            0 => pipeline::unary(
                ctx,
                requests,
                move |_, request: HealthCheckRequest| async move {
                    match reporter.status(&request.service) {
                        Some(status) => Ok(HealthCheckResponse {
                            status: status as i32,
                        }),
                        None => Err(Status::not_found(format!(
                            "unknown service {:?}",
                            request.service
                        ))),
                    }
                },
            ),
            1 => pipeline::server_streaming(
                ctx,
                requests,
                move |_, request: HealthCheckRequest| async move {
                    let receiver = reporter.statuses.subscribe();
                    let service = request.service;
                    let changes = statuses_of(receiver, service);
                    let stream: ResponseStream<HealthCheckResponse> =
                        Box::pin(deduplicated(changes).map(|status| {
                            Ok(HealthCheckResponse {
                                status: status as i32,
                            })
                        }));
                    Ok(stream)
                },
            ),
            other => pipeline::no_such_method(HEALTH.name, other),
        }
    }
}

/// `service`'s status each time the table changes, starting with the current one.
fn statuses_of(
    receiver: tokio::sync::watch::Receiver<HashMap<String, ServingStatus>>,
    service: String,
) -> impl futures_core::Stream<Item = ServingStatus> + Send {
    futures_util::stream::unfold((receiver, true), move |(mut receiver, first)| {
        let service = service.clone();
        async move {
            if !first && receiver.changed().await.is_err() {
                return None;
            }
            let status = receiver
                .borrow_and_update()
                .get(&service)
                .copied()
                .unwrap_or(ServingStatus::ServiceUnknown);
            Some((status, (receiver, false)))
        }
    })
}

/// Drops repeats: Watch sends a status only when it changes.
fn deduplicated(
    statuses: impl futures_core::Stream<Item = ServingStatus> + Send + 'static,
) -> impl futures_core::Stream<Item = ServingStatus> + Send + 'static {
    statuses
        .scan(None, |last, status| {
            let changed = *last != Some(status);
            *last = Some(status);
            std::future::ready(Some(changed.then_some(status)))
        })
        .filter_map(std::future::ready)
}
