//! The server a user would write by hand without protogate: tonic's generated server for gRPC,
//! tonic-web over it for gRPC-Web, and axum routes with serde for REST, on one listener.
//! Authentication, validation and the error shapes are written out here, as such a user would.

mod rest;

pub(crate) use rest::rfc3339;

use std::sync::Arc;

use tonic::{Request, Response, Status};

use crate::auth::Tokens;
use crate::logic::{self, Details, PhoneError, User};
use crate::store::Store;

/// The messages and gRPC server compiled from `schemas/` by this crate's build.rs.
#[allow(missing_docs, clippy::all)]
pub mod pb {
    /// `zitadel.*`.
    pub mod zitadel {
        /// `zitadel.v1`.
        pub mod v1 {
            include!(concat!(env!("OUT_DIR"), "/zitadel.v1.rs"));
        }
        /// `zitadel.user.v1`.
        pub mod user {
            /// `zitadel.user.v1`.
            pub mod v1 {
                include!(concat!(env!("OUT_DIR"), "/zitadel.user.v1.rs"));
            }
        }
        /// `zitadel.auth.v1`.
        pub mod auth {
            /// `zitadel.auth.v1`.
            pub mod v1 {
                include!(concat!(env!("OUT_DIR"), "/zitadel.auth.v1.rs"));
            }
        }
    }
}

use pb::zitadel::auth::v1 as api;
use pb::zitadel::auth::v1::auth_service_server::{AuthService, AuthServiceServer};

/// `google.rpc.Status`, for `grpc-status-details-bin`.
#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
    #[prost(message, repeated, tag = "3")]
    details: Vec<prost_types::Any>,
}

/// What both halves of the baseline share.
pub struct State {
    phones: Arc<Store>,
    tokens: Tokens,
}

/// The baseline's router: REST routes, and the gRPC routes wrapped in tonic-web (only them:
/// tonic-web answers 400 to any HTTP/1.1 request that is not gRPC-Web).
pub fn router(phones: Arc<Store>, tokens: Tokens) -> axum::Router {
    let state = Arc::new(State { phones, tokens });
    let grpc = tonic::service::Routes::new(AuthServiceServer::new(Grpc(state.clone())))
        .prepare()
        .into_axum_router()
        .layer(tonic_web::GrpcWebLayer::new());
    grpc.merge(rest::router(state))
}

/// ZITADEL's error as a tonic status, with its `ErrorDetail`.
fn grpc_error(error: PhoneError) -> Status {
    let detail = pb::zitadel::v1::ErrorDetail {
        id: error.id.to_string(),
        message: error.text.to_string(),
    };
    let rpc = RpcStatus {
        code: error.code as i32,
        message: error.message(),
        details: vec![prost_types::Any {
            type_url: "type.googleapis.com/zitadel.v1.ErrorDetail".into(),
            value: prost::Message::encode_to_vec(&detail),
        }],
    };
    Status::with_details(
        tonic::Code::from_i32(error.code as i32),
        error.message(),
        prost::Message::encode_to_vec(&rpc).into(),
    )
}

fn details(d: Details) -> pb::zitadel::v1::ObjectDetails {
    let timestamp = |micros| {
        let (seconds, nanos) = logic::split_micros(micros);
        prost_types::Timestamp { seconds, nanos }
    };
    pb::zitadel::v1::ObjectDetails {
        sequence: d.sequence,
        creation_date: d.creation.map(timestamp),
        change_date: Some(timestamp(d.change)),
        resource_owner: d.resource_owner,
    }
}

/// The gRPC half.
struct Grpc(Arc<State>);

impl Grpc {
    /// The caller, or UNAUTHENTICATED: every phone method needs one.
    fn caller<T>(&self, request: &Request<T>) -> Result<User, Status> {
        let header = request
            .metadata()
            .get("authorization")
            .map(|v| v.as_bytes());
        match self.0.tokens.from_header(header) {
            Ok(Some(user)) => Ok(user),
            Ok(None) => Err(Status::unauthenticated("auth header missing")),
            Err(reason) => Err(Status::unauthenticated(reason)),
        }
    }
}

#[tonic::async_trait]
impl AuthService for Grpc {
    async fn healthz(
        &self,
        _: Request<api::HealthzRequest>,
    ) -> Result<Response<api::HealthzResponse>, Status> {
        Ok(Response::new(api::HealthzResponse {}))
    }

    async fn get_my_phone(
        &self,
        request: Request<api::GetMyPhoneRequest>,
    ) -> Result<Response<api::GetMyPhoneResponse>, Status> {
        let user = self.caller(&request)?;
        let (d, phone) = self.0.phones.get(Some(&user)).await.map_err(grpc_error)?;
        Ok(Response::new(api::GetMyPhoneResponse {
            details: Some(details(d)),
            phone: phone.map(|p| pb::zitadel::user::v1::Phone {
                phone: p.phone,
                is_phone_verified: p.verified,
            }),
        }))
    }

    async fn set_my_phone(
        &self,
        request: Request<api::SetMyPhoneRequest>,
    ) -> Result<Response<api::SetMyPhoneResponse>, Status> {
        let user = self.caller(&request)?;
        let message = request.into_inner();
        logic::validate_phone(&message.phone).map_err(Status::invalid_argument)?;
        let d = self
            .0
            .phones
            .set(Some(&user), &message.phone)
            .await
            .map_err(grpc_error)?;
        Ok(Response::new(api::SetMyPhoneResponse {
            details: Some(details(d)),
        }))
    }

    async fn verify_my_phone(
        &self,
        request: Request<api::VerifyMyPhoneRequest>,
    ) -> Result<Response<api::VerifyMyPhoneResponse>, Status> {
        let user = self.caller(&request)?;
        let message = request.into_inner();
        logic::validate_code(&message.code).map_err(Status::invalid_argument)?;
        let d = self
            .0
            .phones
            .verify(Some(&user), &message.code)
            .await
            .map_err(grpc_error)?;
        Ok(Response::new(api::VerifyMyPhoneResponse {
            details: Some(details(d)),
        }))
    }

    async fn resend_my_phone_verification(
        &self,
        request: Request<api::ResendMyPhoneVerificationRequest>,
    ) -> Result<Response<api::ResendMyPhoneVerificationResponse>, Status> {
        let user = self.caller(&request)?;
        let d = self
            .0
            .phones
            .resend(Some(&user))
            .await
            .map_err(grpc_error)?;
        Ok(Response::new(api::ResendMyPhoneVerificationResponse {
            details: Some(details(d)),
        }))
    }

    async fn remove_my_phone(
        &self,
        request: Request<api::RemoveMyPhoneRequest>,
    ) -> Result<Response<api::RemoveMyPhoneResponse>, Status> {
        let user = self.caller(&request)?;
        let d = self
            .0
            .phones
            .remove(Some(&user))
            .await
            .map_err(grpc_error)?;
        Ok(Response::new(api::RemoveMyPhoneResponse {
            details: Some(details(d)),
        }))
    }
}
