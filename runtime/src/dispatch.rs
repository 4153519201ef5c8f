//! The request pipeline every protocol shares once the method is known:
//! guard → decode → validate → handler.

use std::future::Future;

use crate::codec::{self, Input, Output};
use crate::context::RequestContext;
use crate::status::Status;
use crate::validate::Validate;

/// Runs a unary call. Generated `Service::call_unary` implementations call this with the
/// handler method; a request that fails a step never reaches the next.
pub async fn unary<Req, Resp, F, Fut>(
    ctx: RequestContext,
    input: Input,
    handler: F,
) -> Result<Output, Status>
where
    Req: prost::Message + Default + serde::de::DeserializeOwned + Validate,
    Resp: prost::Message + serde::Serialize + Send + std::fmt::Debug + 'static,
    F: FnOnce(RequestContext, Req) -> Fut,
    Fut: Future<Output = Result<Resp, Status>>,
{
    ctx.method.guard.check(&ctx)?;
    let request: Req = codec::decode(input)?;
    request.validate()?;
    let response = handler(ctx, request).await?;
    Ok(Box::new(response))
}

/// Runs a server-streaming call: the same steps as [`unary`], then each message is boxed for
/// the protocol to encode.
pub async fn server_streaming<Req, Resp, F, Fut>(
    ctx: RequestContext,
    input: Input,
    handler: F,
) -> Result<crate::service::ResponseStream<Output>, Status>
where
    Req: prost::Message + Default + serde::de::DeserializeOwned + Validate,
    Resp: prost::Message + serde::Serialize + Send + std::fmt::Debug + 'static,
    F: FnOnce(RequestContext, Req) -> Fut,
    Fut: Future<Output = Result<crate::service::ResponseStream<Resp>, Status>>,
{
    use futures_util::StreamExt as _;
    ctx.method.guard.check(&ctx)?;
    let request: Req = codec::decode(input)?;
    request.validate()?;
    let stream = handler(ctx, request).await?;
    Ok(Box::pin(
        stream.map(|item| item.map(|m| Box::new(m) as Output)),
    ))
}
