//! `connectrpc.conformance.v1.ConformanceService`, answering as the suite's reference server
//! does (connectconformance v1.0.5, `internal/app/referenceserver/impl.go`): each request
//! carries a response definition (headers, trailers, data, an error, a delay), and every
//! answer echoes what the server saw (request headers, the time left before the deadline,
//! the requests themselves as `google.protobuf.Any`).

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use http::{HeaderMap, HeaderName, HeaderValue};
use protogate::wkt::Any;
use protogate::{Code, RequestContext, RequestStream, ResponseStream, Status};
use tokio::sync::mpsc;

use crate::connectrpc::conformance::v1 as pb;
use crate::metadata::{response_metadata, ResponseMetadata};
use pb::conformance_payload::RequestInfo;
use pb::unary_response_definition::Response as UnaryOutcome;

/// The service under test. Stateless: everything it does is in the request.
#[derive(Clone, Copy, Debug, Default)]
pub struct Conformance;

/// What the echoed request info is built from: the request's headers and deadline.
#[derive(Clone, Debug)]
struct Call {
    headers: HeaderMap,
    deadline: Option<Instant>,
}

impl Call {
    fn of(ctx: &RequestContext) -> Call {
        Call {
            headers: ctx.headers.clone(),
            deadline: ctx.deadline,
        }
    }

    /// The full request info: headers, the time left (whole milliseconds, rounded down, as
    /// Go's `Duration.Milliseconds`) and `requests`.
    fn request_info(&self, requests: Vec<Any>) -> RequestInfo {
        let timeout_ms = self.deadline.map(|deadline| {
            let left = deadline.saturating_duration_since(Instant::now());
            i64::try_from(left.as_millis()).unwrap_or(i64::MAX)
        });
        RequestInfo {
            request_headers: proto_headers(&self.headers),
            timeout_ms,
            requests,
            connect_get_info: None,
        }
    }
}

/// Request headers as the suite's `Header` list: one entry per name, values in order.
fn proto_headers(headers: &HeaderMap) -> Vec<pb::Header> {
    headers
        .keys()
        .map(|name| pb::Header {
            name: name.as_str().to_string(),
            value: headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect(),
        })
        .collect()
}

/// Puts a response definition's headers and trailers on the call.
fn set_metadata(
    metadata: &ResponseMetadata,
    headers: &[pb::Header],
    trailers: &[pb::Header],
) -> Result<(), Status> {
    for (list, is_trailer) in [(headers, false), (trailers, true)] {
        for header in list {
            let name = HeaderName::try_from(header.name.as_str()).map_err(|e| {
                Status::invalid_argument(format!("bad header name `{}`: {e}", header.name))
            })?;
            for value in &header.value {
                let value = HeaderValue::try_from(value.as_str()).map_err(|e| {
                    Status::invalid_argument(format!("bad value for header `{name}`: {e}"))
                })?;
                if is_trailer {
                    metadata.append_trailer(name.clone(), value);
                } else {
                    metadata.append_header(name.clone(), value);
                }
            }
        }
    }
    Ok(())
}

/// The error a response definition asks for, with its details in order and then, when
/// given, the request info (as the reference server adds it when nothing else was sent).
fn status_of(error: pb::Error, request_info: Option<&RequestInfo>) -> Status {
    // CODE_UNSPECIFIED is not an error code; connect-go would send it as unknown too.
    let code = match Code::from_i32(error.code) {
        Code::Ok => Code::Unknown,
        code => code,
    };
    let mut status = Status::new(code, error.message.unwrap_or_default());
    for detail in error.details {
        status = status.with_any_detail(detail);
    }
    if let Some(info) = request_info {
        status = status.with_any_detail(Any::pack(info));
    }
    status
}

async fn delay(ms: u32) {
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(u64::from(ms))).await;
    }
}

/// Unary and client-stream answers: the payload, or the defined error carrying the request
/// info as its last detail.
async fn respond_once(
    metadata: &ResponseMetadata,
    call: &Call,
    definition: Option<pb::UnaryResponseDefinition>,
    requests: Vec<Any>,
) -> Result<pb::ConformancePayload, Status> {
    let request_info = call.request_info(requests);
    let Some(definition) = definition else {
        return Ok(pb::ConformancePayload {
            data: vec![],
            request_info: Some(request_info),
        });
    };
    set_metadata(
        metadata,
        &definition.response_headers,
        &definition.response_trailers,
    )?;
    let data = match definition.response {
        Some(UnaryOutcome::Error(error)) => return Err(status_of(error, Some(&request_info))),
        Some(UnaryOutcome::ResponseData(data)) => data,
        None => vec![],
    };
    delay(definition.response_delay_ms).await;
    Ok(pb::ConformancePayload {
        data,
        request_info: Some(request_info),
    })
}

/// A response stream fed by a task: the streaming answers read like the reference's loops.
/// The task stops at its next send once the stream is dropped (the call ended or was
/// cancelled).
fn spawn_stream<T, F>(
    produce: impl FnOnce(mpsc::Sender<Result<T, Status>>) -> F,
) -> ResponseStream<T>
where
    T: Send + 'static,
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(produce(tx));
    Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }))
}

/// One streamed response carrying `data` and, when given, the request info.
fn streamed(data: Vec<u8>, request_info: Option<RequestInfo>) -> pb::ConformancePayload {
    pb::ConformancePayload { data, request_info }
}

impl pb::ConformanceServiceHandler for Conformance {
    async fn unary(
        &self,
        ctx: &RequestContext,
        request: pb::UnaryRequest,
    ) -> Result<pb::UnaryResponse, Status> {
        let requests = vec![Any::pack(&request)];
        let payload = respond_once(
            &response_metadata(ctx),
            &Call::of(ctx),
            request.response_definition,
            requests,
        )
        .await?;
        Ok(pb::UnaryResponse {
            payload: Some(payload),
        })
    }

    async fn server_stream(
        &self,
        ctx: &RequestContext,
        request: pb::ServerStreamRequest,
    ) -> Result<ResponseStream<pb::ServerStreamResponse>, Status> {
        let call = Call::of(ctx);
        let requests = vec![Any::pack(&request)];
        let Some(definition) = request.response_definition else {
            return Ok(Box::pin(futures_util::stream::empty()));
        };
        set_metadata(
            &response_metadata(ctx),
            &definition.response_headers,
            &definition.response_trailers,
        )?;
        Ok(spawn_stream(move |tx| async move {
            let mut request_info = Some(call.request_info(requests));
            let sent_any = !definition.response_data.is_empty();
            for data in definition.response_data {
                delay(definition.response_delay_ms).await;
                // Only the first response carries the request info: nothing in it changes.
                let payload = streamed(data, request_info.take());
                let response = pb::ServerStreamResponse {
                    payload: Some(payload),
                };
                if tx.send(Ok(response)).await.is_err() {
                    return;
                }
            }
            if let Some(error) = definition.error {
                let info = if sent_any {
                    None
                } else {
                    request_info.as_ref()
                };
                let _ = tx.send(Err(status_of(error, info))).await;
            }
        }))
    }

    async fn client_stream(
        &self,
        ctx: &RequestContext,
        mut requests: RequestStream<pb::ClientStreamRequest>,
    ) -> Result<pb::ClientStreamResponse, Status> {
        let mut definition = None;
        let mut received = Vec::new();
        while let Some(request) = requests.next().await {
            let request = request?;
            // The first message says how to answer.
            if received.is_empty() {
                definition = request.response_definition.clone();
            }
            received.push(Any::pack(&request));
        }
        let payload = respond_once(
            &response_metadata(ctx),
            &Call::of(ctx),
            definition,
            received,
        )
        .await?;
        Ok(pb::ClientStreamResponse {
            payload: Some(payload),
        })
    }

    async fn bidi_stream(
        &self,
        ctx: &RequestContext,
        mut requests: RequestStream<pb::BidiStreamRequest>,
    ) -> Result<ResponseStream<pb::BidiStreamResponse>, Status> {
        // The response definition comes with the first request, and the runtime sends the
        // response headers set by the time this returns: read it before returning.
        let Some(first) = requests.next().await.transpose()? else {
            return Ok(Box::pin(futures_util::stream::empty()));
        };
        if let Some(d) = &first.response_definition {
            set_metadata(
                &response_metadata(ctx),
                &d.response_headers,
                &d.response_trailers,
            )?;
        }
        let call = Call::of(ctx);
        let requests = Box::pin(futures_util::stream::once(async { Ok(first) }).chain(requests));
        Ok(spawn_stream(move |tx| bidi(call, requests, tx)))
    }

    async fn unimplemented(
        &self,
        _: &RequestContext,
        _: pb::UnimplementedRequest,
    ) -> Result<pb::UnimplementedResponse, Status> {
        Err(Status::unimplemented(
            "connectrpc.conformance.v1.ConformanceService.Unimplemented is not implemented",
        ))
    }

    async fn idempotent_unary(
        &self,
        ctx: &RequestContext,
        request: pb::IdempotentUnaryRequest,
    ) -> Result<pb::IdempotentUnaryResponse, Status> {
        let requests = vec![Any::pack(&request)];
        let payload = respond_once(
            &response_metadata(ctx),
            &Call::of(ctx),
            request.response_definition,
            requests,
        )
        .await?;
        Ok(pb::IdempotentUnaryResponse {
            payload: Some(payload),
        })
    }
}

/// The bidi answer, once the first request's headers and trailers are set. Full duplex:
/// one response per request as it arrives (the first with the full request info, later ones
/// with the requests since the last response), the rest once the requests end. Half
/// duplex: every response after the requests end.
async fn bidi(
    call: Call,
    mut requests: RequestStream<pb::BidiStreamRequest>,
    tx: mpsc::Sender<Result<pb::BidiStreamResponse, Status>>,
) {
    let send = |payload: pb::ConformancePayload| {
        let tx = tx.clone();
        async move {
            let response = pb::BidiStreamResponse {
                payload: Some(payload),
            };
            tx.send(Ok(response)).await.is_ok()
        }
    };
    let mut definition: Option<pb::StreamResponseDefinition> = None;
    let mut full_duplex = false;
    let mut first = true;
    let mut sent = 0usize;
    let mut received: Vec<Any> = Vec::new();
    while let Some(request) = requests.next().await {
        let request = match request {
            Ok(request) => request,
            Err(status) => {
                let _ = tx.send(Err(status)).await;
                return;
            }
        };
        received.push(Any::pack(&request));
        if first {
            first = false;
            full_duplex = request.full_duplex;
            definition = request.response_definition;
        }
        if full_duplex {
            let Some(d) = definition.as_ref().filter(|d| sent < d.response_data.len()) else {
                // Nothing left to answer with: stop reading and end (with the error, if any).
                break;
            };
            let requests = std::mem::take(&mut received);
            let request_info = if sent == 0 {
                call.request_info(requests)
            } else {
                RequestInfo {
                    requests,
                    ..RequestInfo::default()
                }
            };
            delay(d.response_delay_ms).await;
            if !send(streamed(d.response_data[sent].clone(), Some(request_info))).await {
                return;
            }
            sent += 1;
        }
    }
    let Some(d) = definition else {
        return;
    };
    // What is left: everything (half duplex), or what outnumbered the requests (full duplex).
    for data in d.response_data.iter().skip(sent) {
        let request_info = (sent == 0).then(|| call.request_info(received.clone()));
        delay(d.response_delay_ms).await;
        if !send(streamed(data.clone(), request_info)).await {
            return;
        }
        sent += 1;
    }
    if let Some(error) = d.error {
        let request_info = (sent == 0).then(|| call.request_info(received));
        let _ = tx.send(Err(status_of(error, request_info.as_ref()))).await;
    }
}
