//! `SetMyPhone` with a raw `authorization` header over each protocol, answers in one shape.

use bytes::{Buf as _, BufMut as _, Bytes, BytesMut};
use prost::Message as _;
use serde_json::{json, Value};
use tonic::transport::Channel;
use verify_phone::api::zitadel::auth::v1::{self as pb, auth_service_client::AuthServiceClient};

use crate::common::api::percent_decode;
use crate::common::{Protocol, Server};

/// What the server answered to `SetMyPhone` with `authorization` set to `header`.
#[derive(Debug)]
pub enum Answer {
    Ok,
    Refused {
        code: i32,
        message: String,
        http: Option<u16>,
        www_authenticate: bool,
    },
    /// The transport refused the request before the server's code saw it.
    Transport(#[allow(dead_code)] String),
}

pub async fn set_phone(server: &Server, protocol: Protocol, header: &[u8], phone: &str) -> Answer {
    let http = reqwest::Client::new();
    let value = reqwest::header::HeaderValue::from_bytes(header).expect("header value");
    let request = match protocol {
        Protocol::Rest => http
            .put(format!("{}/auth/v1/users/me/phone", server.base()))
            .json(&json!({ "phone": phone })),
        Protocol::Connect => http
            .post(format!(
                "{}/zitadel.auth.v1.AuthService/SetMyPhone",
                server.base()
            ))
            .header("connect-protocol-version", "1")
            .json(&json!({ "phone": phone })),
        Protocol::Grpc => return grpc_set_phone(server, header, phone).await,
        Protocol::GrpcWeb => return grpc_web_set_phone(server, value, phone).await,
    };
    let response = match request.header("authorization", value).send().await {
        Ok(r) => r,
        Err(e) => return Answer::Transport(e.to_string()),
    };
    let status = response.status().as_u16();
    let www_authenticate = response.headers().contains_key("www-authenticate");
    let text = response.text().await.unwrap_or_default();
    if status == 200 {
        return Answer::Ok;
    }
    let Ok(body) = serde_json::from_str::<Value>(&text) else {
        return Answer::Transport(format!("HTTP {status}: {text}"));
    };
    let code = match &body["code"] {
        Value::Number(n) => n.as_i64().unwrap_or(-1) as i32,
        Value::String(s) if s == "unauthenticated" => 16,
        other => panic!("unexpected code {other}"),
    };
    Answer::Refused {
        code,
        message: body["message"].as_str().unwrap_or_default().to_string(),
        http: Some(status),
        www_authenticate,
    }
}

async fn grpc_set_phone(server: &Server, header: &[u8], phone: &str) -> Answer {
    let channel = Channel::from_shared(server.base())
        .expect("URI")
        .connect()
        .await
        .expect("gRPC connects");
    let mut request = tonic::Request::new(pb::SetMyPhoneRequest {
        phone: phone.to_string(),
    });
    let Ok(value) = tonic::metadata::MetadataValue::try_from(header) else {
        return Answer::Transport("not a metadata value".into());
    };
    request.metadata_mut().insert("authorization", value);
    match AuthServiceClient::new(channel).set_my_phone(request).await {
        Ok(_) => Answer::Ok,
        Err(status) if status.code() == tonic::Code::Unauthenticated => Answer::Refused {
            code: 16,
            message: status.message().to_string(),
            http: None,
            www_authenticate: false,
        },
        Err(status) => Answer::Transport(format!("{:?}: {}", status.code(), status.message())),
    }
}

/// One gRPC-Web call over HTTP/1.1: the status comes in the headers (trailers-only) or in the
/// trailer frame.
async fn grpc_web_set_phone(
    server: &Server,
    value: reqwest::header::HeaderValue,
    phone: &str,
) -> Answer {
    let payload = pb::SetMyPhoneRequest {
        phone: phone.to_string(),
    }
    .encode_to_vec();
    let mut body = BytesMut::with_capacity(5 + payload.len());
    body.put_u8(0);
    body.put_u32(payload.len() as u32);
    body.put_slice(&payload);
    let url = format!("{}/zitadel.auth.v1.AuthService/SetMyPhone", server.base());
    let sent = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .header("authorization", value)
        .body(body.freeze())
        .send()
        .await;
    let response = match sent {
        Ok(r) => r,
        Err(e) => return Answer::Transport(e.to_string()),
    };
    let status = response.status().as_u16();
    let mut trailers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let mut frames: Bytes = response.bytes().await.unwrap_or_default();
    if status != 200 {
        return Answer::Transport(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&frames)
        ));
    }
    while frames.remaining() >= 5 {
        let flag = frames.get_u8();
        let len = (frames.get_u32() as usize).min(frames.len());
        let frame = frames.split_to(len);
        if flag & 0x80 != 0 {
            for line in String::from_utf8_lossy(&frame).split("\r\n") {
                if let Some((k, v)) = line.split_once(':') {
                    trailers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
        }
    }
    let get = |name: &str| {
        trailers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    match get("grpc-status").as_deref() {
        Some("0") => Answer::Ok,
        Some("16") => Answer::Refused {
            code: 16,
            message: percent_decode(&get("grpc-message").unwrap_or_default()),
            http: None,
            www_authenticate: false,
        },
        other => Answer::Transport(format!("grpc-status {other:?}")),
    }
}

pub fn describe(answer: &Answer) -> String {
    match answer {
        Answer::Ok => "OK".into(),
        Answer::Refused {
            code,
            message,
            http,
            ..
        } => format!("{http:?} {code} {message}"),
        Answer::Transport(t) => format!("transport: {}", &t[..t.len().min(200)]),
    }
}
