//! The typed end of the pipeline, called by generated code once the method is known:
//! decode → validate → handler. A request that fails a step never reaches the next.

use std::future::Future;

use futures_util::StreamExt as _;

use crate::codec::{self, Input, Output};
use crate::context::RequestContext;
use crate::service::{BoxFuture, RequestStream, Requests, ResponseStream, Responses};
use crate::status::Status;
use crate::validate::Validate;

/// What a request message must be: decodable from protobuf and proto3 JSON, and validated.
pub trait RequestMessage:
    prost::Message + Default + serde::de::DeserializeOwned + Validate + Send + 'static
{
}

impl<T> RequestMessage for T where
    T: prost::Message + Default + serde::de::DeserializeOwned + Validate + Send + 'static
{
}

/// What a response message must be: encodable as protobuf and proto3 JSON.
pub trait ResponseMessage:
    prost::Message + serde::Serialize + Send + std::fmt::Debug + 'static
{
}

impl<T> ResponseMessage for T where
    T: prost::Message + serde::Serialize + Send + std::fmt::Debug + 'static
{
}

/// A unary call: one message in, one out.
pub fn unary<Req, Resp, F, Fut>(
    ctx: RequestContext,
    requests: Requests,
    handler: F,
) -> BoxFuture<Result<Responses, Status>>
where
    Req: RequestMessage,
    Resp: ResponseMessage,
    F: FnOnce(RequestContext, Req) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Resp, Status>> + Send + 'static,
{
    Box::pin(async move {
        let request: Req = accept(one(requests).await?)?;
        let response = handler(ctx, request).await?;
        Ok(Responses::One(Box::new(response) as Output))
    })
}

/// A server-streaming call: one message in, the handler's stream out.
pub fn server_streaming<Req, Resp, F, Fut>(
    ctx: RequestContext,
    requests: Requests,
    handler: F,
) -> BoxFuture<Result<Responses, Status>>
where
    Req: RequestMessage,
    Resp: ResponseMessage,
    F: FnOnce(RequestContext, Req) -> Fut + Send + 'static,
    Fut: Future<Output = Result<ResponseStream<Resp>, Status>> + Send + 'static,
{
    Box::pin(async move {
        let request: Req = accept(one(requests).await?)?;
        let stream = handler(ctx, request).await?;
        Ok(Responses::Stream(boxed(stream)))
    })
}

/// A client-streaming call: the handler reads validated messages and answers once.
pub fn client_streaming<Req, Resp, F, Fut>(
    ctx: RequestContext,
    requests: Requests,
    handler: F,
) -> BoxFuture<Result<Responses, Status>>
where
    Req: RequestMessage,
    Resp: ResponseMessage,
    F: FnOnce(RequestContext, RequestStream<Req>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Resp, Status>> + Send + 'static,
{
    Box::pin(async move {
        let response = handler(ctx, validated(requests)).await?;
        Ok(Responses::One(Box::new(response) as Output))
    })
}

/// A bidi-streaming call: validated messages in, the handler's stream out.
pub fn bidi_streaming<Req, Resp, F, Fut>(
    ctx: RequestContext,
    requests: Requests,
    handler: F,
) -> BoxFuture<Result<Responses, Status>>
where
    Req: RequestMessage,
    Resp: ResponseMessage,
    F: FnOnce(RequestContext, RequestStream<Req>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<ResponseStream<Resp>, Status>> + Send + 'static,
{
    Box::pin(async move {
        let stream = handler(ctx, validated(requests)).await?;
        Ok(Responses::Stream(boxed(stream)))
    })
}

/// The answer for a method number the service does not have (a registry bug, never a
/// client's request: the registry only routes to methods that exist).
pub fn no_such_method(service: &str, method: usize) -> BoxFuture<Result<Responses, Status>> {
    let status = Status::unimplemented(format!("{service} has no method number {method}"));
    Box::pin(std::future::ready(Err(status)))
}

/// Decodes and validates one request message.
fn accept<Req: RequestMessage>(input: Input) -> Result<Req, Status> {
    let request: Req = codec::decode(input)?;
    request.validate_request()?;
    Ok(request)
}

/// The one message of a unary or server-streaming call. Protocols hand it over as
/// [`Requests::One`]; a stream must hold exactly one.
async fn one(requests: Requests) -> Result<Input, Status> {
    match requests {
        Requests::One(input) => Ok(input),
        Requests::Stream(mut stream) => {
            let first = stream.next().await.transpose()?.ok_or_else(|| {
                Status::unimplemented("missing request message: the call sends exactly one")
            })?;
            if stream.next().await.transpose()?.is_some() {
                return Err(Status::unimplemented(
                    "more than one request message: the call sends exactly one",
                ));
            }
            Ok(first)
        }
    }
}

/// The request messages of a streaming call, each decoded and validated before the handler
/// sees it.
fn validated<Req: RequestMessage>(requests: Requests) -> RequestStream<Req> {
    let stream = match requests {
        Requests::One(input) => futures_util::stream::once(std::future::ready(Ok(input))).boxed(),
        Requests::Stream(stream) => stream,
    };
    Box::pin(stream.map(|item| item.and_then(accept::<Req>)))
}

fn boxed<Resp: ResponseMessage>(stream: ResponseStream<Resp>) -> ResponseStream<Output> {
    Box::pin(stream.map(|item| item.map(|m| Box::new(m) as Output)))
}
