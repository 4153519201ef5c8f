//! gRPC and gRPC-Web: authentication and the guard run here, before tonic decodes anything;
//! tonic (and tonic-web for gRPC-Web) does the rest.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use http::{Request, Response};

use super::{oneshot, Inner};
use crate::context::{Protocol, RequestContext};
use crate::status::Status;

pub(crate) async fn call(
    inner: &Arc<Inner>,
    mut request: Request<Body>,
    web: bool,
) -> Response<Body> {
    let content_type = request.headers().get(http::header::CONTENT_TYPE).cloned();
    let fail = |status: Status| error(status, web, content_type.clone());
    let caller = match inner.authenticator.authenticate(request.headers()).await {
        Ok(caller) => caller,
        Err(status) => return fail(status),
    };
    if let Some((_, _, method)) = inner.method_by_grpc_path(request.uri().path()) {
        let mut ctx = RequestContext::new(
            if web {
                Protocol::GrpcWeb
            } else {
                Protocol::Grpc
            },
            method,
        );
        ctx.caller = caller.clone();
        if let Err(status) = method.guard.check(&ctx) {
            return fail(status);
        }
    }
    if let Some(caller) = caller {
        request.extensions_mut().insert(caller);
    }
    request.extensions_mut().insert(if web {
        Protocol::GrpcWeb
    } else {
        Protocol::Grpc
    });
    // tonic-web picks the response encoding from `accept`; a text request that accepts
    // anything (or says nothing) still expects a text response.
    let accepts_grpc_web = request
        .headers()
        .get(http::header::ACCEPT)
        .is_some_and(|a| a.as_bytes().starts_with(b"application/grpc-web"));
    if web && !accepts_grpc_web {
        if let Some(ct) = content_type
            .as_ref()
            .filter(|ct| ct.as_bytes().starts_with(b"application/grpc-web-text"))
        {
            request
                .headers_mut()
                .insert(http::header::ACCEPT, ct.clone());
        }
    }
    let timeout = match request
        .headers()
        .get("grpc-timeout")
        .map(|v| parse_timeout(v.as_bytes()))
    {
        None => None,
        Some(Some(t)) => Some(t),
        Some(None) => return fail(Status::invalid_argument("malformed grpc-timeout header")),
    };
    let router = if web {
        inner.grpc_web.clone()
    } else {
        inner.grpc.clone()
    };
    match timeout {
        None => oneshot(router, request).await,
        Some(t) => match tokio::time::timeout(t, oneshot(router, request)).await {
            Ok(response) => response,
            Err(_) => fail(Status::deadline_exceeded("deadline exceeded")),
        },
    }
}

/// A trailers-only error response in the request's own content type.
pub(crate) fn error(
    status: Status,
    web: bool,
    content_type: Option<http::HeaderValue>,
) -> Response<Body> {
    let mut response: Response<Body> = tonic::Status::from(status).into_http();
    if web {
        let ct = content_type
            .unwrap_or_else(|| http::HeaderValue::from_static("application/grpc-web+proto"));
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, ct);
    }
    response
}

/// `grpc-timeout`: up to 8 digits and a unit (H, M, S, m, u, n).
pub(crate) fn parse_timeout(value: &[u8]) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(match unit {
        b"H" => Duration::from_secs(n * 3600),
        b"M" => Duration::from_secs(n * 60),
        b"S" => Duration::from_secs(n),
        b"m" => Duration::from_millis(n),
        b"u" => Duration::from_micros(n),
        b"n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_follow_the_grpc_spec() {
        assert_eq!(parse_timeout(b"100m"), Some(Duration::from_millis(100)));
        assert_eq!(parse_timeout(b"2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_timeout(b"1H"), Some(Duration::from_secs(3600)));
        for bad in [&b""[..], b"m", b"123456789S", b"10x", b"-1S"] {
            assert_eq!(parse_timeout(bad), None, "{bad:?}");
        }
    }
}
