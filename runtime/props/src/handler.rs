//! The handler behind the properties' server: the example's phone methods kept in memory,
//! so that every fuzz input reaches a real handler without touching a disk.

use std::collections::HashMap;
use std::sync::Mutex;

use protogate::{RequestContext, Status};
use verify_phone::api::zitadel::auth::v1::{
    AuthServiceHandler, GetMyPhoneRequest, GetMyPhoneResponse, HealthzRequest, HealthzResponse,
    RemoveMyPhoneRequest, RemoveMyPhoneResponse, ResendMyPhoneVerificationRequest,
    ResendMyPhoneVerificationResponse, SetMyPhoneRequest, SetMyPhoneResponse, VerifyMyPhoneRequest,
    VerifyMyPhoneResponse,
};
use verify_phone::api::zitadel::user::v1::Phone;

/// The code every phone set here waits for.
pub const PENDING_CODE: &str = "123456";

/// One caller's phone.
#[derive(Clone, Debug)]
struct Entry {
    phone: String,
    verified: bool,
}

/// Phones by caller, in memory.
#[derive(Debug, Default)]
pub struct MemoryPhones(Mutex<HashMap<String, Entry>>);

impl MemoryPhones {
    /// A store where `subject` already has `phone`, waiting for [`PENDING_CODE`].
    pub fn with_phone(subject: &str, phone: &str) -> MemoryPhones {
        let phones = MemoryPhones::default();
        phones.entries().insert(
            subject.to_string(),
            Entry {
                phone: phone.to_string(),
                verified: false,
            },
        );
        phones
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn subject(ctx: &RequestContext) -> Result<String, Status> {
    ctx.caller
        .as_ref()
        .map(|caller| caller.subject.clone())
        .ok_or_else(|| Status::unauthenticated("no caller"))
}

impl AuthServiceHandler for MemoryPhones {
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
        let entry = self.entries().get(&subject(ctx)?).cloned();
        let entry = entry.ok_or_else(|| Status::not_found("no phone"))?;
        Ok(GetMyPhoneResponse {
            details: None,
            phone: Some(Phone {
                phone: entry.phone,
                is_phone_verified: entry.verified,
            }),
        })
    }

    async fn set_my_phone(
        &self,
        ctx: &RequestContext,
        request: SetMyPhoneRequest,
    ) -> Result<SetMyPhoneResponse, Status> {
        let entry = Entry {
            phone: request.phone,
            verified: false,
        };
        self.entries().insert(subject(ctx)?, entry);
        Ok(SetMyPhoneResponse::default())
    }

    async fn verify_my_phone(
        &self,
        ctx: &RequestContext,
        request: VerifyMyPhoneRequest,
    ) -> Result<VerifyMyPhoneResponse, Status> {
        let subject = subject(ctx)?;
        let mut entries = self.entries();
        let entry = entries
            .get_mut(&subject)
            .ok_or_else(|| Status::failed_precondition("no phone to verify"))?;
        if request.code != PENDING_CODE {
            return Err(Status::invalid_argument("the code does not match"));
        }
        entry.verified = true;
        Ok(VerifyMyPhoneResponse::default())
    }

    async fn resend_my_phone_verification(
        &self,
        ctx: &RequestContext,
        _: ResendMyPhoneVerificationRequest,
    ) -> Result<ResendMyPhoneVerificationResponse, Status> {
        match self.entries().get(&subject(ctx)?) {
            Some(entry) if !entry.verified => Ok(ResendMyPhoneVerificationResponse::default()),
            _ => Err(Status::failed_precondition("no phone waiting for a code")),
        }
    }

    async fn remove_my_phone(
        &self,
        ctx: &RequestContext,
        _: RemoveMyPhoneRequest,
    ) -> Result<RemoveMyPhoneResponse, Status> {
        match self.entries().remove(&subject(ctx)?) {
            Some(_) => Ok(RemoveMyPhoneResponse::default()),
            None => Err(Status::not_found("no phone")),
        }
    }
}
