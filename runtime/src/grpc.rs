//! Adapters from tonic's generated server traits to a protogate handler.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::context::{Caller, Protocol, RequestContext};
use crate::service::{MethodInfo, RequestStream, ResponseStream};
use crate::status::Status;
use crate::validate::Validate;

/// The context of a gRPC request: its metadata, and the caller the authentication layer put
/// into the request's extensions.
pub fn context<T>(request: &tonic::Request<T>, method: &'static MethodInfo) -> RequestContext {
    let mut ctx = RequestContext::new(Protocol::Grpc, method);
    ctx.headers = request.metadata().clone().into_headers();
    ctx.caller = request.extensions().get::<Caller>().cloned();
    if let Some(protocol) = request.extensions().get::<Protocol>() {
        ctx.protocol = *protocol;
    }
    ctx
}

/// The context and the message of a request, moving its metadata and caller instead of
/// copying them (a copy of the header map is several allocations per call).
fn split<T>(request: tonic::Request<T>, method: &'static MethodInfo) -> (RequestContext, T) {
    let (metadata, mut extensions, message) = request.into_parts();
    let mut ctx = RequestContext::new(Protocol::Grpc, method);
    ctx.headers = metadata.into_headers();
    ctx.caller = extensions.remove::<Caller>();
    if let Some(protocol) = extensions.get::<Protocol>() {
        ctx.protocol = *protocol;
    }
    (ctx, message)
}

/// A unary call: guard → validate → handler.
pub async fn unary<Req, Resp, F, Fut>(
    request: tonic::Request<Req>,
    method: &'static MethodInfo,
    handler: F,
) -> Result<tonic::Response<Resp>, tonic::Status>
where
    Req: Validate,
    F: FnOnce(RequestContext, Req) -> Fut,
    Fut: Future<Output = Result<Resp, Status>>,
{
    let (ctx, message) = split(request, method);
    method.guard.check(&ctx)?;
    message.validate()?;
    Ok(tonic::Response::new(handler(ctx, message).await?))
}

/// A server-streaming call: guard → validate → handler, then the handler's stream.
pub async fn server_streaming<Req, Resp, F, Fut>(
    request: tonic::Request<Req>,
    method: &'static MethodInfo,
    handler: F,
) -> Result<tonic::Response<GrpcStream<Resp>>, tonic::Status>
where
    Req: Validate,
    F: FnOnce(RequestContext, Req) -> Fut,
    Fut: Future<Output = Result<ResponseStream<Resp>, Status>>,
{
    let (ctx, message) = split(request, method);
    method.guard.check(&ctx)?;
    message.validate()?;
    let stream = handler(ctx, message).await?;
    Ok(tonic::Response::new(GrpcStream(stream)))
}

/// A client-streaming call: guard, then the handler reads validated messages.
pub async fn client_streaming<Req, Resp, F, Fut>(
    request: tonic::Request<tonic::Streaming<Req>>,
    method: &'static MethodInfo,
    handler: F,
) -> Result<tonic::Response<Resp>, tonic::Status>
where
    Req: Validate + Send + 'static,
    F: FnOnce(RequestContext, RequestStream<Req>) -> Fut,
    Fut: Future<Output = Result<Resp, Status>>,
{
    let (ctx, incoming) = split(request, method);
    method.guard.check(&ctx)?;
    let stream: RequestStream<Req> = Box::pin(Validated(incoming));
    Ok(tonic::Response::new(handler(ctx, stream).await?))
}

/// A bidi-streaming call: guard, then validated messages in and the handler's stream out.
pub async fn bidi_streaming<Req, Resp, F, Fut>(
    request: tonic::Request<tonic::Streaming<Req>>,
    method: &'static MethodInfo,
    handler: F,
) -> Result<tonic::Response<GrpcStream<Resp>>, tonic::Status>
where
    Req: Validate + Send + 'static,
    F: FnOnce(RequestContext, RequestStream<Req>) -> Fut,
    Fut: Future<Output = Result<ResponseStream<Resp>, Status>>,
{
    let (ctx, incoming) = split(request, method);
    method.guard.check(&ctx)?;
    let stream: RequestStream<Req> = Box::pin(Validated(incoming));
    Ok(tonic::Response::new(GrpcStream(
        handler(ctx, stream).await?,
    )))
}

/// A handler's response stream with errors in tonic's type, as tonic's server traits want.
pub struct GrpcStream<T>(ResponseStream<T>);

impl<T> Stream for GrpcStream<T> {
    type Item = Result<T, tonic::Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|r| r.map_err(tonic::Status::from)))
    }
}

/// Incoming messages, each validated before the handler sees it.
struct Validated<T>(tonic::Streaming<T>);

impl<T: Validate> Stream for Validated<T> {
    type Item = Result<T, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.0).poll_next(cx).map(|item| {
            item.map(|r| match r {
                Ok(message) => message.validate().map(|()| message).map_err(Status::from),
                Err(status) => Err(Status::from(status)),
            })
        })
    }
}
