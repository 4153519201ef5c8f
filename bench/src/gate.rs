//! The protogate variant: the example's generated code (`verify_phone::api`) serving the same
//! logic and store as the baseline through one `AuthServiceHandler`.

use std::sync::Arc;

use protogate::{Caller, RequestContext, Status};
use verify_phone::api::zitadel::auth::v1::{
    AuthService, AuthServiceHandler, GetMyPhoneRequest, GetMyPhoneResponse, HealthzRequest,
    HealthzResponse, RemoveMyPhoneRequest, RemoveMyPhoneResponse, ResendMyPhoneVerificationRequest,
    ResendMyPhoneVerificationResponse, SetMyPhoneRequest, SetMyPhoneResponse, VerifyMyPhoneRequest,
    VerifyMyPhoneResponse,
};
use verify_phone::api::zitadel::user::v1::Phone;
use verify_phone::api::zitadel::v1::ObjectDetails;
use verify_phone::errors::ErrorDetail;

use crate::auth::Tokens;
use crate::logic::{self, Details, PhoneError, User};
use crate::store::Store;

/// The handler: the shared logic behind protogate's trait.
pub struct Handler {
    phones: Arc<Store>,
}

impl Handler {
    /// A handler over `phones`.
    pub fn new(phones: Arc<Store>) -> Handler {
        Handler { phones }
    }
}

/// The bench's tokens as a protogate authenticator.
pub struct BenchAuthenticator(pub Tokens);

impl protogate::Authenticator for BenchAuthenticator {
    async fn authenticate(
        &self,
        request: &protogate::AuthRequest<'_>,
    ) -> Result<Option<Caller>, Status> {
        let Some(token) = protogate::bearer_token(request.headers)? else {
            return Ok(None);
        };
        let user = self.0.verify(token).map_err(Status::unauthenticated)?;
        Ok(Some(Caller {
            subject: user.id,
            org: Some(user.org),
            permissions: Vec::new(),
            extensions: Default::default(),
        }))
    }
}

/// The protogate server with the bench's handler and `authenticator`.
pub fn server(
    phones: Arc<Store>,
    authenticator: impl protogate::Authenticator,
) -> protogate::Server {
    protogate::Server::new()
        .authenticator(authenticator)
        .service(AuthService::new(Handler::new(phones)))
}

fn user(ctx: &RequestContext) -> Option<User> {
    ctx.caller.as_ref().map(|c| User {
        id: c.subject.clone(),
        org: c.org.clone().unwrap_or_default(),
    })
}

fn status(error: PhoneError) -> Status {
    Status::new(
        protogate::Code::from_i32(error.code as i32),
        error.message(),
    )
    .with_detail(&ErrorDetail {
        id: error.id.to_string(),
        message: error.text.to_string(),
    })
}

fn details(d: Details) -> ObjectDetails {
    let timestamp = |micros| {
        let (seconds, nanos) = logic::split_micros(micros);
        protogate::wkt::Timestamp { seconds, nanos }
    };
    ObjectDetails {
        sequence: d.sequence,
        creation_date: d.creation.map(timestamp),
        change_date: Some(timestamp(d.change)),
        resource_owner: d.resource_owner,
    }
}

impl AuthServiceHandler for Handler {
    async fn healthz(
        &self,
        _: &RequestContext,
        _: HealthzRequest,
    ) -> Result<HealthzResponse, Status> {
        Ok(HealthzResponse {})
    }

    async fn get_my_phone(
        &self,
        ctx: &RequestContext,
        _: GetMyPhoneRequest,
    ) -> Result<GetMyPhoneResponse, Status> {
        let (d, phone) = self.phones.get(user(ctx).as_ref()).await.map_err(status)?;
        Ok(GetMyPhoneResponse {
            details: Some(details(d)),
            phone: phone.map(|p| Phone {
                phone: p.phone,
                is_phone_verified: p.verified,
            }),
        })
    }

    async fn set_my_phone(
        &self,
        ctx: &RequestContext,
        request: SetMyPhoneRequest,
    ) -> Result<SetMyPhoneResponse, Status> {
        let d = self
            .phones
            .set(user(ctx).as_ref(), &request.phone)
            .await
            .map_err(status)?;
        Ok(SetMyPhoneResponse {
            details: Some(details(d)),
        })
    }

    async fn verify_my_phone(
        &self,
        ctx: &RequestContext,
        request: VerifyMyPhoneRequest,
    ) -> Result<VerifyMyPhoneResponse, Status> {
        let d = self
            .phones
            .verify(user(ctx).as_ref(), &request.code)
            .await
            .map_err(status)?;
        Ok(VerifyMyPhoneResponse {
            details: Some(details(d)),
        })
    }

    async fn resend_my_phone_verification(
        &self,
        ctx: &RequestContext,
        _: ResendMyPhoneVerificationRequest,
    ) -> Result<ResendMyPhoneVerificationResponse, Status> {
        let d = self
            .phones
            .resend(user(ctx).as_ref())
            .await
            .map_err(status)?;
        Ok(ResendMyPhoneVerificationResponse {
            details: Some(details(d)),
        })
    }

    async fn remove_my_phone(
        &self,
        ctx: &RequestContext,
        _: RemoveMyPhoneRequest,
    ) -> Result<RemoveMyPhoneResponse, Status> {
        let d = self
            .phones
            .remove(user(ctx).as_ref())
            .await
            .map_err(status)?;
        Ok(RemoveMyPhoneResponse {
            details: Some(details(d)),
        })
    }
}
