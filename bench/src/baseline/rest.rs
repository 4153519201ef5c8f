//! The baseline's REST routes, by hand with axum and serde, answering like grpc-gateway.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State as Extract;
use axum::routing::{get, post};
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use serde::{Deserialize, Serialize};

use super::State;
use crate::logic::{self, Details, PhoneError, User};

pub(super) fn router(state: Arc<State>) -> axum::Router {
    axum::Router::new()
        .route("/auth/v1/users/me/phone/_verify", post(verify))
        .route("/auth/v1/users/me/phone", get(get_phone).put(set_phone))
        .with_state(state)
}

#[derive(Default, Deserialize)]
struct VerifyBody {
    #[serde(default)]
    code: String,
}

#[derive(Default, Deserialize)]
struct SetBody {
    #[serde(default)]
    phone: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DetailsJson {
    sequence: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    creation_date: Option<String>,
    change_date: String,
    resource_owner: String,
}

impl From<Details> for DetailsJson {
    fn from(d: Details) -> Self {
        DetailsJson {
            sequence: d.sequence.to_string(),
            creation_date: d.creation.map(rfc3339),
            change_date: rfc3339(d.change),
            resource_owner: d.resource_owner,
        }
    }
}

#[derive(Serialize)]
struct DetailsOnly {
    details: DetailsJson,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhoneJson {
    phone: String,
    is_phone_verified: bool,
}

#[derive(Serialize)]
struct GetJson {
    details: DetailsJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<PhoneJson>,
}

/// A grpc-gateway error body.
struct Failure {
    code: i32,
    http: u16,
    message: String,
    detail: Option<PhoneError>,
}

impl From<PhoneError> for Failure {
    fn from(e: PhoneError) -> Self {
        Failure {
            code: e.code as i32,
            http: e.code.http_status(),
            message: e.message(),
            detail: Some(e),
        }
    }
}

impl Failure {
    fn invalid(message: String) -> Failure {
        Failure {
            code: 3,
            http: 400,
            message,
            detail: None,
        }
    }

    fn unauthenticated(message: &str) -> Failure {
        Failure {
            code: 16,
            http: 401,
            message: message.to_string(),
            detail: None,
        }
    }

    fn into_response(self) -> Response<Body> {
        let details: Vec<serde_json::Value> = self
            .detail
            .iter()
            .map(|e| {
                serde_json::json!({
                    "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
                    "id": e.id,
                    "message": e.text,
                })
            })
            .collect();
        let body = serde_json::json!({
            "code": self.code,
            "message": self.message,
            "details": details,
        });
        let mut response = json(
            StatusCode::from_u16(self.http).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &body,
        );
        if self.code == 16 {
            response.headers_mut().insert(
                http::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn caller(state: &State, headers: &HeaderMap) -> Result<User, Failure> {
    let header = headers
        .get(http::header::AUTHORIZATION)
        .map(|v| v.as_bytes());
    match state.tokens.from_header(header) {
        Ok(Some(user)) => Ok(user),
        Ok(None) => Err(Failure::unauthenticated("auth header missing")),
        Err(reason) => Err(Failure::unauthenticated(reason)),
    }
}

fn body<'a, T: Deserialize<'a> + Default>(bytes: &'a [u8]) -> Result<T, Failure> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| Failure::invalid(format!("invalid JSON body: {e}")))
}

fn answer(result: Result<Response<Body>, Failure>) -> Response<Body> {
    result.unwrap_or_else(Failure::into_response)
}

async fn verify(
    Extract(state): Extract<Arc<State>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response<Body> {
    answer(
        async {
            let user = caller(&state, &headers)?;
            let message: VerifyBody = body(&bytes)?;
            logic::validate_code(&message.code).map_err(Failure::invalid)?;
            let d = state.phones.verify(Some(&user), &message.code).await?;
            Ok(json(StatusCode::OK, &DetailsOnly { details: d.into() }))
        }
        .await,
    )
}

async fn get_phone(Extract(state): Extract<Arc<State>>, headers: HeaderMap) -> Response<Body> {
    answer(
        async {
            let user = caller(&state, &headers)?;
            let (d, phone) = state.phones.get(Some(&user)).await?;
            let phone = phone.map(|p| PhoneJson {
                phone: p.phone,
                is_phone_verified: p.verified,
            });
            Ok(json(
                StatusCode::OK,
                &GetJson {
                    details: d.into(),
                    phone,
                },
            ))
        }
        .await,
    )
}

async fn set_phone(
    Extract(state): Extract<Arc<State>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response<Body> {
    answer(
        async {
            let user = caller(&state, &headers)?;
            let message: SetBody = body(&bytes)?;
            logic::validate_phone(&message.phone).map_err(Failure::invalid)?;
            let d = state.phones.set(Some(&user), &message.phone).await?;
            Ok(json(StatusCode::OK, &DetailsOnly { details: d.into() }))
        }
        .await,
    )
}

/// RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits, as proto3 JSON writes timestamps.
pub(crate) fn rfc3339(micros: logic::Micros) -> String {
    let (seconds, nanos) = logic::split_micros(micros);
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let fraction = match nanos {
        0 => String::new(),
        n if n % 1_000_000 == 0 => format!(".{:03}", n / 1_000_000),
        n if n % 1000 == 0 => format!(".{:06}", n / 1000),
        n => format!(".{n:09}"),
    };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{fraction}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_written_like_proto3_json() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_683_720_000_123_000), "2023-05-10T12:00:00.123Z");
        assert_eq!(rfc3339(951_782_400_000_001), "2000-02-29T00:00:00.000001Z");
    }
}
