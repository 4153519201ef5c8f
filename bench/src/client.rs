//! A small client that speaks each protocol the way the load tools do (the same bytes) and
//! reads what they cannot: grpc-status in trailers, gRPC-Web trailer frames, REST error bodies.

use std::net::SocketAddr;

use bytes::{Buf, Bytes};
use http::{HeaderMap, Method, Request};
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};

/// The wire protocols the harness drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// gRPC over h2c.
    Grpc,
    /// Binary gRPC-Web over h2c.
    GrpcWeb,
    /// REST/JSON over h2c.
    RestH2,
    /// REST/JSON over HTTP/1.1.
    RestH1,
    /// Connect unary JSON over h2c (not the baseline: tonic has no Connect).
    Connect,
}

impl Protocol {
    /// The name in reports.
    pub fn label(self) -> &'static str {
        match self {
            Protocol::Grpc => "gRPC (h2c)",
            Protocol::GrpcWeb => "gRPC-Web (h2c)",
            Protocol::RestH2 => "REST (h2c)",
            Protocol::RestH1 => "REST (HTTP/1.1)",
            Protocol::Connect => "Connect JSON (h2c)",
        }
    }

    /// Whether the protocol runs over HTTP/2.
    pub fn is_h2(self) -> bool {
        self != Protocol::RestH1
    }
}

/// One RPC of the service as every protocol names it.
#[derive(Clone, Copy, Debug)]
pub struct Rpc {
    /// The gRPC method name.
    pub name: &'static str,
    /// The REST verb.
    pub verb: &'static str,
    /// The REST path.
    pub path: &'static str,
}

/// VerifyMyPhone.
pub const VERIFY: Rpc = Rpc {
    name: "VerifyMyPhone",
    verb: "POST",
    path: "/auth/v1/users/me/phone/_verify",
};
/// GetMyPhone.
pub const GET: Rpc = Rpc {
    name: "GetMyPhone",
    verb: "GET",
    path: "/auth/v1/users/me/phone",
};
/// SetMyPhone.
pub const SET: Rpc = Rpc {
    name: "SetMyPhone",
    verb: "PUT",
    path: "/auth/v1/users/me/phone",
};

/// The gRPC path of `rpc`.
pub fn grpc_path(rpc: Rpc) -> String {
    format!("/zitadel.auth.v1.AuthService/{}", rpc.name)
}

/// A length-prefixed gRPC message frame.
pub fn grpc_frame(message: &[u8]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(message.len() + 5);
    frame.push(0);
    frame.extend_from_slice(&(message.len() as u32).to_be_bytes());
    frame.extend_from_slice(message);
    frame
}

/// The protobuf encoding of a message with string field 1 = `value` (both request messages
/// the harness sends have that shape).
pub fn string_field_1(value: &str) -> Vec<u8> {
    let mut out = vec![0x0a];
    let mut len = value.len();
    while len >= 0x80 {
        out.push((len as u8) | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
    out.extend_from_slice(value.as_bytes());
    out
}

/// What came back, in one shape for every protocol.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The HTTP status.
    pub http: u16,
    /// The gRPC code: grpc-status for gRPC and gRPC-Web, the error body's `code` for REST and
    /// Connect (0 on success).
    pub code: i32,
    /// The error message, if any.
    pub message: String,
    /// The response message: protobuf for gRPC and gRPC-Web, JSON otherwise.
    pub body: Bytes,
}

impl Outcome {
    /// Whether the call succeeded.
    pub fn ok(&self) -> bool {
        self.http == 200 && self.code == 0
    }
}

/// A connection to one server over one protocol.
pub enum Connection {
    /// HTTP/2 (prior knowledge, as h2load), with the server's address for `:authority`.
    H2(
        hyper::client::conn::http2::SendRequest<Full<Bytes>>,
        SocketAddr,
    ),
    /// HTTP/1.1.
    H1(hyper::client::conn::http1::SendRequest<Full<Bytes>>),
}

/// Any failure below the protocol: connecting, or the connection breaking.
pub type ClientError = Box<dyn std::error::Error + Send + Sync>;

impl Connection {
    /// Connects to `addr` with HTTP/2 or HTTP/1.1.
    pub async fn open(addr: SocketAddr, h2: bool) -> Result<Connection, ClientError> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let io = TokioIo::new(stream);
        if h2 {
            let (sender, conn) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), io).await?;
            tokio::spawn(conn);
            Ok(Connection::H2(sender, addr))
        } else {
            let (sender, conn) = hyper::client::conn::http1::handshake(io).await?;
            tokio::spawn(conn);
            Ok(Connection::H1(sender))
        }
    }

    /// Sends one request and reads the whole answer with its trailers.
    pub async fn send(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> Result<(http::response::Parts, Bytes, Option<HeaderMap>), ClientError> {
        let response = match self {
            Connection::H2(sender, addr) => {
                sender.ready().await?;
                sender.send_request(absolute(request, *addr)?).await?
            }
            Connection::H1(sender) => {
                sender.ready().await?;
                sender.send_request(request).await?
            }
        };
        let (parts, body) = response.into_parts();
        let collected = body.collect().await?;
        let trailers = collected.trailers().cloned();
        Ok((parts, collected.to_bytes(), trailers))
    }

    /// Calls `rpc` over `protocol` with `token`; `proto` and `json` are the request message in
    /// both encodings.
    pub async fn call(
        &mut self,
        protocol: Protocol,
        rpc: Rpc,
        token: Option<&str>,
        proto: &[u8],
        json: &str,
    ) -> Result<Outcome, ClientError> {
        let request = build(protocol, rpc, token, proto, json);
        let (parts, body, trailers) = self.send(request).await?;
        Ok(interpret(protocol, parts, body, trailers))
    }
}

/// `request` with `http://ADDR` before its path: HTTP/2 requires `:scheme` (and h2load sends
/// `:authority`), which the h2 crate derives from the URI; servers such as node's refuse a
/// request without them.
fn absolute(
    request: Request<Full<Bytes>>,
    addr: SocketAddr,
) -> Result<Request<Full<Bytes>>, ClientError> {
    if request.uri().scheme().is_some() {
        return Ok(request);
    }
    let (mut parts, body) = request.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    parts.uri = http::Uri::builder()
        .scheme("http")
        .authority(addr.to_string())
        .path_and_query(path)
        .build()?;
    Ok(Request::from_parts(parts, body))
}

/// The request the load tools send for `rpc` over `protocol`.
pub fn build(
    protocol: Protocol,
    rpc: Rpc,
    token: Option<&str>,
    proto: &[u8],
    json: &str,
) -> Request<Full<Bytes>> {
    let (method, uri, content_type, body) = match protocol {
        Protocol::Grpc => (
            Method::POST,
            grpc_path(rpc),
            "application/grpc",
            grpc_frame(proto),
        ),
        Protocol::GrpcWeb => (
            Method::POST,
            grpc_path(rpc),
            "application/grpc-web+proto",
            grpc_frame(proto),
        ),
        Protocol::Connect => (
            Method::POST,
            grpc_path(rpc),
            "application/json",
            json.as_bytes().to_vec(),
        ),
        Protocol::RestH2 | Protocol::RestH1 => (
            Method::from_bytes(rpc.verb.as_bytes()).unwrap_or(Method::POST),
            rpc.path.to_string(),
            "application/json",
            if rpc.verb == "GET" {
                Vec::new()
            } else {
                json.as_bytes().to_vec()
            },
        ),
    };
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(http::header::CONTENT_TYPE, content_type);
    if protocol == Protocol::RestH1 {
        builder = builder.header(http::header::HOST, "127.0.0.1");
    }
    match protocol {
        Protocol::Grpc => builder = builder.header("te", "trailers"),
        Protocol::GrpcWeb => builder = builder.header("x-grpc-web", "1"),
        Protocol::Connect => builder = builder.header("connect-protocol-version", "1"),
        _ => {}
    }
    if let Some(token) = token {
        builder = builder.header(http::header::AUTHORIZATION, format!("Bearer {token}"));
    }
    builder
        .body(Full::new(Bytes::from(body)))
        .expect("a valid request")
}

/// Reads an answer the way a client of `protocol` would.
pub fn interpret(
    protocol: Protocol,
    parts: http::response::Parts,
    body: Bytes,
    trailers: Option<HeaderMap>,
) -> Outcome {
    let http = parts.status.as_u16();
    match protocol {
        Protocol::Grpc => {
            let status = trailers.as_ref().unwrap_or(&parts.headers);
            let (code, message) = grpc_status(status);
            let message_bytes = first_frame(&body).unwrap_or_default();
            Outcome {
                http,
                code,
                message,
                body: message_bytes,
            }
        }
        Protocol::GrpcWeb => {
            let (data, trailer_block) = web_frames(&body);
            let (code, message) = match trailer_block {
                Some(block) => grpc_status(&parse_trailer_block(&block)),
                None => grpc_status(&parts.headers),
            };
            Outcome {
                http,
                code,
                message,
                body: data.unwrap_or_default(),
            }
        }
        Protocol::RestH2 | Protocol::RestH1 | Protocol::Connect => {
            let (code, message) = if http == 200 {
                (0, String::new())
            } else {
                json_error(protocol, &body)
            };
            Outcome {
                http,
                code,
                message,
                body,
            }
        }
    }
}

fn grpc_status(headers: &HeaderMap) -> (i32, String) {
    let code = headers
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        // No grpc-status at all is a broken answer: UNKNOWN, as gRPC clients treat it.
        .unwrap_or(2);
    let message = headers
        .get("grpc-message")
        .and_then(|v| v.to_str().ok())
        .map(|v| protogate::http::percent_decode(v, true))
        .unwrap_or_default();
    (code, message)
}

fn first_frame(body: &[u8]) -> Option<Bytes> {
    if body.len() < 5 {
        return None;
    }
    let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
    body.get(5..5 + len).map(Bytes::copy_from_slice)
}

/// The first data frame and the trailer frame of a gRPC-Web body.
fn web_frames(mut body: &[u8]) -> (Option<Bytes>, Option<Bytes>) {
    let (mut data, mut trailers) = (None, None);
    while body.len() >= 5 {
        let flag = body[0];
        let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
        body.advance(5);
        let Some(payload) = body.get(..len) else {
            break;
        };
        let payload = Bytes::copy_from_slice(payload);
        body.advance(len);
        if flag & 0x80 != 0 {
            trailers = Some(payload);
        } else if data.is_none() {
            data = Some(payload);
        }
    }
    (data, trailers)
}

/// The header block of a gRPC-Web trailer frame.
pub fn parse_trailer_block(block: &[u8]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for line in String::from_utf8_lossy(block).split("\r\n") {
        if let Some((name, value)) = line.split_once(':') {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.trim().to_ascii_lowercase().as_bytes()),
                http::HeaderValue::from_str(value.trim()),
            ) {
                map.append(name, value);
            }
        }
    }
    map
}

fn json_error(protocol: Protocol, body: &[u8]) -> (i32, String) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return (2, String::from_utf8_lossy(body).into_owned());
    };
    let message = value["message"].as_str().unwrap_or_default().to_string();
    let code = match (protocol, &value["code"]) {
        (Protocol::Connect, serde_json::Value::String(name)) => connect_code(name),
        (_, serde_json::Value::Number(n)) => n.as_i64().unwrap_or(2) as i32,
        _ => 2,
    };
    (code, message)
}

fn connect_code(name: &str) -> i32 {
    const NAMES: [&str; 17] = [
        "ok",
        "canceled",
        "unknown",
        "invalid_argument",
        "deadline_exceeded",
        "not_found",
        "already_exists",
        "permission_denied",
        "resource_exhausted",
        "failed_precondition",
        "aborted",
        "out_of_range",
        "unimplemented",
        "internal",
        "unavailable",
        "data_loss",
        "unauthenticated",
    ];
    NAMES
        .iter()
        .position(|n| *n == name)
        .map_or(2, |i| i as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_bodies_split_into_message_and_trailers() {
        let mut body = grpc_frame(b"\x0a\x01x");
        body.push(0x80);
        let block = b"grpc-status:3\r\ngrpc-message:bad%20code\r\n";
        body.extend_from_slice(&(block.len() as u32).to_be_bytes());
        body.extend_from_slice(block);
        let (data, trailers) = web_frames(&body);
        assert_eq!(data.as_deref(), Some(&b"\x0a\x01x"[..]));
        let (code, message) = grpc_status(&parse_trailer_block(&trailers.unwrap()));
        assert_eq!((code, message.as_str()), (3, "bad code"));
    }

    #[test]
    fn string_fields_carry_their_length() {
        assert_eq!(string_field_1("H83J3A"), b"\x0a\x06H83J3A");
        assert_eq!(string_field_1(&"x".repeat(200))[..3], [0x0a, 0xc8, 0x01]);
    }
}
