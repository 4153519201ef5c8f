//! One client for the phone methods over each protocol: REST (reqwest), gRPC (the generated
//! tonic client), gRPC-Web (frames built by hand over HTTP/1.1) and Connect (JSON). Answers
//! come back as proto3 JSON, errors as one [`Failure`] shape, so a test reads the same on all.

use base64::Engine as _;
use bytes::{Buf as _, BufMut as _, Bytes, BytesMut};
use prost::Message;
use serde_json::{json, Value};
use tonic::transport::Channel;
use verify_phone::api::zitadel::auth::v1::{self as pb, auth_service_client::AuthServiceClient};
use verify_phone::errors::{ErrorDetail, RetryInfo};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Rest,
    Grpc,
    GrpcWeb,
    Connect,
}

pub const ALL: [Protocol; 4] = [
    Protocol::Rest,
    Protocol::Grpc,
    Protocol::GrpcWeb,
    Protocol::Connect,
];

/// A phone method call.
#[derive(Clone, Debug)]
pub enum Call {
    Get,
    Set(String),
    Verify(String),
    Resend,
    Remove,
}

/// An error answer, whatever the protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The gRPC code number.
    pub code: i32,
    pub message: String,
    /// `(id, message)` of the `zitadel.v1.ErrorDetail`, if one came.
    pub detail: Option<(String, String)>,
    /// The HTTP status (REST and Connect).
    pub http: Option<u16>,
    /// The `WWW-Authenticate` header (REST).
    pub www_authenticate: Option<String>,
    /// The `retry_delay` of a `google.rpc.RetryInfo` detail, if one came.
    pub retry_delay: Option<std::time::Duration>,
}

impl Failure {
    /// Code, message and detail, for comparing across protocols.
    pub fn key(&self) -> (i32, &str, Option<(&str, &str)>) {
        (
            self.code,
            self.message.as_str(),
            self.detail.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
        )
    }
}

pub struct Api {
    protocol: Protocol,
    base: String,
    token: Option<String>,
    http: reqwest::Client,
    grpc: Option<AuthServiceClient<Channel>>,
}

const ERROR_DETAIL: &str = "type.googleapis.com/zitadel.v1.ErrorDetail";
const RETRY_INFO: &str = "type.googleapis.com/google.rpc.RetryInfo";

impl Api {
    pub async fn new(protocol: Protocol, base: &str, token: Option<&str>) -> Api {
        let grpc = match protocol {
            Protocol::Grpc => {
                let channel = Channel::from_shared(base.to_string())
                    .expect("URI")
                    .connect()
                    .await
                    .expect("gRPC connects");
                Some(AuthServiceClient::new(channel))
            }
            _ => None,
        };
        Api {
            protocol,
            base: base.to_string(),
            token: token.map(str::to_string),
            http: reqwest::Client::new(),
            grpc,
        }
    }

    pub async fn call(&mut self, call: Call) -> Result<Value, Failure> {
        match self.protocol {
            Protocol::Rest => self.rest(call).await,
            Protocol::Grpc => self.grpc(call).await,
            Protocol::GrpcWeb => self.grpc_web(call).await,
            Protocol::Connect => self.connect(call).await,
        }
    }

    async fn rest(&self, call: Call) -> Result<Value, Failure> {
        let url = format!("{}/auth/v1/users/me/phone", self.base);
        let request = match call {
            Call::Get => self.http.get(url),
            Call::Set(phone) => self.http.put(url).json(&json!({ "phone": phone })),
            Call::Verify(code) => self
                .http
                .post(format!("{url}/_verify"))
                .json(&json!({ "code": code })),
            Call::Resend => self
                .http
                .post(format!("{url}/_resend_verification"))
                .json(&json!({})),
            Call::Remove => self.http.delete(url),
        };
        let request = match &self.token {
            Some(t) => request.bearer_auth(t),
            None => request,
        };
        let response = request.send().await.expect("REST request");
        let status = response.status().as_u16();
        let www = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body: Value = response.json().await.expect("REST answers JSON");
        if status == 200 {
            return Ok(body);
        }
        let detail = body["details"]
            .as_array()
            .expect("details is always an array")
            .iter()
            .find(|d| d["@type"] == ERROR_DETAIL)
            .map(|d| {
                (
                    d["id"].as_str().unwrap_or_default().to_string(),
                    d["message"].as_str().unwrap_or_default().to_string(),
                )
            });
        let retry_delay = body["details"]
            .as_array()
            .and_then(|details| details.iter().find(|d| d["@type"] == RETRY_INFO))
            .map(|d| {
                let text = d["retryDelay"].as_str().expect("retryDelay as a string");
                let seconds: f64 = text
                    .strip_suffix('s')
                    .expect("ends in s")
                    .parse()
                    .expect("seconds");
                std::time::Duration::from_secs_f64(seconds)
            });
        Err(Failure {
            code: body["code"].as_i64().expect("numeric code") as i32,
            message: body["message"].as_str().unwrap_or_default().to_string(),
            detail,
            http: Some(status),
            www_authenticate: www,
            retry_delay,
        })
    }

    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        if let Some(t) = &self.token {
            let value = format!("Bearer {t}").parse().expect("metadata value");
            request.metadata_mut().insert("authorization", value);
        }
        request
    }

    async fn grpc(&mut self, call: Call) -> Result<Value, Failure> {
        let mut client = self.grpc.clone().expect("gRPC client");
        let answer = match call {
            Call::Get => client
                .get_my_phone(self.request(pb::GetMyPhoneRequest {}))
                .await
                .map(|r| to_json(&r.into_inner())),
            Call::Set(phone) => client
                .set_my_phone(self.request(pb::SetMyPhoneRequest { phone }))
                .await
                .map(|r| to_json(&r.into_inner())),
            Call::Verify(code) => client
                .verify_my_phone(self.request(pb::VerifyMyPhoneRequest { code }))
                .await
                .map(|r| to_json(&r.into_inner())),
            Call::Resend => client
                .resend_my_phone_verification(self.request(pb::ResendMyPhoneVerificationRequest {}))
                .await
                .map(|r| to_json(&r.into_inner())),
            Call::Remove => client
                .remove_my_phone(self.request(pb::RemoveMyPhoneRequest {}))
                .await
                .map(|r| to_json(&r.into_inner())),
        };
        answer.map_err(|status| Failure {
            code: status.code() as i32,
            message: status.message().to_string(),
            detail: detail_of_rpc_status(status.details()),
            http: None,
            www_authenticate: None,
            retry_delay: retry_of_rpc_status(status.details()),
        })
    }

    async fn grpc_web(&self, call: Call) -> Result<Value, Failure> {
        match call {
            Call::Get => self
                .grpc_web_call::<_, pb::GetMyPhoneResponse>("GetMyPhone", pb::GetMyPhoneRequest {})
                .await
                .map(|m| to_json(&m)),
            Call::Set(phone) => self
                .grpc_web_call::<_, pb::SetMyPhoneResponse>(
                    "SetMyPhone",
                    pb::SetMyPhoneRequest { phone },
                )
                .await
                .map(|m| to_json(&m)),
            Call::Verify(code) => self
                .grpc_web_call::<_, pb::VerifyMyPhoneResponse>(
                    "VerifyMyPhone",
                    pb::VerifyMyPhoneRequest { code },
                )
                .await
                .map(|m| to_json(&m)),
            Call::Resend => self
                .grpc_web_call::<_, pb::ResendMyPhoneVerificationResponse>(
                    "ResendMyPhoneVerification",
                    pb::ResendMyPhoneVerificationRequest {},
                )
                .await
                .map(|m| to_json(&m)),
            Call::Remove => self
                .grpc_web_call::<_, pb::RemoveMyPhoneResponse>(
                    "RemoveMyPhone",
                    pb::RemoveMyPhoneRequest {},
                )
                .await
                .map(|m| to_json(&m)),
        }
    }

    /// One unary gRPC-Web call: a length-prefixed message in, data and trailer frames out.
    async fn grpc_web_call<Req: Message, Resp: Message + Default>(
        &self,
        method: &str,
        request: Req,
    ) -> Result<Resp, Failure> {
        let payload = request.encode_to_vec();
        let mut body = BytesMut::with_capacity(5 + payload.len());
        body.put_u8(0);
        body.put_u32(payload.len() as u32);
        body.put_slice(&payload);
        let url = format!("{}/zitadel.auth.v1.AuthService/{method}", self.base);
        let mut req = self
            .http
            .post(url)
            .header("content-type", "application/grpc-web+proto")
            .header("x-grpc-web", "1")
            .body(body.freeze());
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let response = req.send().await.expect("gRPC-Web request");
        assert_eq!(response.status().as_u16(), 200, "gRPC-Web answers 200");
        let mut trailers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(k, _)| k.as_str().starts_with("grpc-"))
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        let mut frames: Bytes = response.bytes().await.expect("gRPC-Web body");
        let mut message = None;
        while frames.remaining() >= 5 {
            let flag = frames.get_u8();
            let len = frames.get_u32() as usize;
            let frame = frames.split_to(len);
            if flag & 0x80 != 0 {
                let text = String::from_utf8_lossy(&frame).into_owned();
                for line in text.split("\r\n").filter(|l| !l.is_empty()) {
                    if let Some((k, v)) = line.split_once(':') {
                        trailers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                    }
                }
            } else {
                message = Some(Resp::decode(frame).expect("response message"));
            }
        }
        let get = |name: &str| {
            trailers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let code: i32 = get("grpc-status")
            .expect("grpc-status")
            .parse()
            .expect("numeric");
        if code == 0 {
            return Ok(message.expect("a message with status 0"));
        }
        let message = get("grpc-message")
            .map(|m| percent_decode(&m))
            .unwrap_or_default();
        let details = get("grpc-status-details-bin")
            .and_then(|b| {
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(b.trim_end_matches('='))
                    .ok()
            })
            .unwrap_or_default();
        Err(Failure {
            code,
            message,
            detail: detail_of_rpc_status(&details),
            http: None,
            www_authenticate: None,
            retry_delay: retry_of_rpc_status(&details),
        })
    }

    async fn connect(&self, call: Call) -> Result<Value, Failure> {
        let (method, body) = match call {
            Call::Get => ("GetMyPhone", json!({})),
            Call::Set(phone) => ("SetMyPhone", json!({ "phone": phone })),
            Call::Verify(code) => ("VerifyMyPhone", json!({ "code": code })),
            Call::Resend => ("ResendMyPhoneVerification", json!({})),
            Call::Remove => ("RemoveMyPhone", json!({})),
        };
        let url = format!("{}/zitadel.auth.v1.AuthService/{method}", self.base);
        let mut req = self
            .http
            .post(url)
            .header("connect-protocol-version", "1")
            .json(&body);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let response = req.send().await.expect("Connect request");
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("Connect answers JSON");
        if status == 200 {
            return Ok(body);
        }
        let detail = body["details"].as_array().and_then(|details| {
            details
                .iter()
                .find(|d| d["type"] == "zitadel.v1.ErrorDetail")
                .and_then(|d| d["value"].as_str())
                .and_then(|v| {
                    base64::engine::general_purpose::STANDARD_NO_PAD
                        .decode(v.trim_end_matches('='))
                        .ok()
                })
                .and_then(|bytes| ErrorDetail::decode(bytes.as_slice()).ok())
                .map(|d| (d.id, d.message))
        });
        let retry_delay = body["details"].as_array().and_then(|details| {
            details
                .iter()
                .find(|d| d["type"] == "google.rpc.RetryInfo")
                .and_then(|d| d["value"].as_str())
                .and_then(|v| {
                    base64::engine::general_purpose::STANDARD_NO_PAD
                        .decode(v.trim_end_matches('='))
                        .ok()
                })
                .map(|bytes| RetryInfo::decode(bytes.as_slice()).expect("RetryInfo"))
                .and_then(|r| r.retry_delay)
                .map(duration)
        });
        Err(Failure {
            code: connect_code(body["code"].as_str().unwrap_or_default()),
            message: body["message"].as_str().unwrap_or_default().to_string(),
            detail,
            http: Some(status),
            www_authenticate: None,
            retry_delay,
        })
    }
}

fn to_json<T: serde::Serialize>(message: &T) -> Value {
    serde_json::to_value(message).expect("proto3 JSON")
}

fn detail_of_rpc_status(bytes: &[u8]) -> Option<(String, String)> {
    if bytes.is_empty() {
        return None;
    }
    let status = protogate::rpc::Status::decode(bytes).expect("google.rpc.Status");
    status
        .details
        .iter()
        .find(|any| any.type_url == ERROR_DETAIL)
        .map(|any| ErrorDetail::decode(any.value.as_slice()).expect("ErrorDetail"))
        .map(|d| (d.id, d.message))
}

fn retry_of_rpc_status(bytes: &[u8]) -> Option<std::time::Duration> {
    if bytes.is_empty() {
        return None;
    }
    let status = protogate::rpc::Status::decode(bytes).expect("google.rpc.Status");
    status
        .details
        .iter()
        .find(|any| any.type_url == RETRY_INFO)
        .map(|any| RetryInfo::decode(any.value.as_slice()).expect("RetryInfo"))
        .and_then(|r| r.retry_delay)
        .map(duration)
}

fn duration(d: pbjson_types::Duration) -> std::time::Duration {
    std::time::Duration::new(
        u64::try_from(d.seconds).expect("non-negative"),
        u32::try_from(d.nanos).expect("non-negative"),
    )
}

fn connect_code(name: &str) -> i32 {
    match name {
        "canceled" => 1,
        "unknown" => 2,
        "invalid_argument" => 3,
        "deadline_exceeded" => 4,
        "not_found" => 5,
        "already_exists" => 6,
        "permission_denied" => 7,
        "resource_exhausted" => 8,
        "failed_precondition" => 9,
        "aborted" => 10,
        "out_of_range" => 11,
        "unimplemented" => 12,
        "internal" => 13,
        "unavailable" => 14,
        "data_loss" => 15,
        "unauthenticated" => 16,
        other => panic!("unknown Connect code {other}"),
    }
}

pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
