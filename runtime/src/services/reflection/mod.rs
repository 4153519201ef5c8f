//! gRPC server reflection (`grpc.reflection.v1` and `v1alpha`) as ordinary services on the
//! pipeline, so `buf curl`, grpcurl and Postman find the schema over gRPC, gRPC-Web and
//! Connect alike. Each question on the bidi stream gets its answer from the [`index`].

mod index;
pub mod messages;

use std::sync::Arc;

use futures_util::StreamExt as _;

pub use index::{Reflection, ReflectionError};
use messages::{ServerReflectionRequest, ServerReflectionResponse};

use crate::context::RequestContext;
use crate::guard::Guard;
use crate::pipeline;
use crate::registry::Registry;
use crate::schema::{Described, MessageInfo};
use crate::service::{
    BoxFuture, Idempotency, MethodInfo, MethodKind, RequestStream, Requests, ResponseStream,
    Responses, Service, ServiceInfo,
};
use crate::status::Status;

/// Mounts reflection over the mounted services' descriptor sets, and those of health and
/// reflection themselves. A set that does not load turns reflection off with a warning:
/// the services still serve.
pub(crate) fn mount(registry: &mut Registry, sets: &[&'static [u8]]) {
    let mut all: Vec<&[u8]> = sets.to_vec();
    all.push(tonic_health::pb::FILE_DESCRIPTOR_SET);
    all.push(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET);
    all.push(tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET);
    match Reflection::new(&all) {
        Ok(reflection) => {
            let reflection = Arc::new(reflection);
            registry.add(Arc::new(ReflectionService {
                reflection: reflection.clone(),
                info: &V1,
            }));
            registry.add(Arc::new(ReflectionService {
                reflection,
                info: &V1ALPHA,
            }));
        }
        Err(e) => {
            tracing::warn!(error = %e, "server reflection is off: the descriptor sets do not load")
        }
    }
}

impl Described for ServerReflectionRequest {
    const INFO: &'static MessageInfo = &MessageInfo {
        full_name: "grpc.reflection.v1.ServerReflectionRequest",
        fields: &[],
    };
}

impl Described for ServerReflectionResponse {
    const INFO: &'static MessageInfo = &MessageInfo {
        full_name: "grpc.reflection.v1.ServerReflectionResponse",
        fields: &[],
    };
}

const fn info(
    name: &'static str,
    full_name: &'static str,
    grpc_path: &'static str,
    methods: &'static [MethodInfo],
) -> (ServiceInfo, MethodInfo) {
    (
        ServiceInfo {
            name,
            rest_prefix: "",
            methods,
        },
        MethodInfo {
            name: "ServerReflectionInfo",
            full_name,
            grpc_path,
            kind: MethodKind::BidiStreaming,
            guard: Guard::Public,
            idempotency: Idempotency::Unknown,
            routes: &[],
            input: <ServerReflectionRequest as Described>::info,
            output: <ServerReflectionResponse as Described>::info,
        },
    )
}

static V1_METHODS: [MethodInfo; 1] = [info(
    messages::SERVICE_V1,
    "grpc.reflection.v1.ServerReflection.ServerReflectionInfo",
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    &[],
)
.1];
static V1: ServiceInfo = info(messages::SERVICE_V1, "", "", &V1_METHODS).0;

static V1ALPHA_METHODS: [MethodInfo; 1] = [info(
    messages::SERVICE_V1ALPHA,
    "grpc.reflection.v1alpha.ServerReflection.ServerReflectionInfo",
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    &[],
)
.1];
static V1ALPHA: ServiceInfo = info(messages::SERVICE_V1ALPHA, "", "", &V1ALPHA_METHODS).0;

/// One version of the reflection service.
struct ReflectionService {
    reflection: Arc<Reflection>,
    info: &'static ServiceInfo,
}

impl Service for ReflectionService {
    fn info(&self) -> &'static ServiceInfo {
        self.info
    }

    fn call(
        &self,
        method: usize,
        ctx: RequestContext,
        requests: Requests,
    ) -> BoxFuture<Result<Responses, Status>> {
        if method != 0 {
            return pipeline::no_such_method(self.info.name, method);
        }
        let reflection = self.reflection.clone();
        pipeline::bidi_streaming(
            ctx,
            requests,
            move |_, questions: RequestStream<ServerReflectionRequest>| async move {
                let answers: ResponseStream<ServerReflectionResponse> =
                    Box::pin(questions.map(move |question| {
                        let question = question?;
                        if question.message_request.is_none() {
                            return Err(Status::invalid_argument(
                                "a reflection request must ask something",
                            ));
                        }
                        Ok(reflection.answer(&question))
                    }));
                Ok(answers)
            },
        )
    }
}
