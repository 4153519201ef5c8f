//! The handler called directly: what the wire cannot reach, and the notifier's failures.

use super::*;
use crate::api::zitadel::auth::v1::AUTH_SERVICE;
use crate::notify::NotifyError;
use crate::store::SqlStore;
use protogate::{Caller, Code, Protocol};
use std::sync::Mutex;

/// Keeps the last SMS, or fails every send when `fail` is set.
#[derive(Default)]
struct Recorder {
    last: Mutex<Option<Sms>>,
    fail: bool,
}

impl Notifier for Arc<Recorder> {
    async fn send(&self, sms: &Sms) -> Result<(), NotifyError> {
        if self.fail {
            return Err(NotifyError::Other("gateway down".into()));
        }
        *self.last.lock().expect("lock") = Some(sms.clone());
        Ok(())
    }
}

async fn phones(
    fail: bool,
) -> (
    tempfile::TempDir,
    Phones<SqlStore, Arc<Recorder>>,
    Arc<Recorder>,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
    let store = Arc::new(SqlStore::connect(&url).await.expect("store"));
    let recorder = Arc::new(Recorder {
        last: Mutex::new(None),
        fail,
    });
    let phones = Phones::new(
        store,
        recorder.clone(),
        CodeHasher::new(b"unit-test-key"),
        PhoneConfig::default(),
    );
    (dir, phones, recorder)
}

fn ctx(subject: Option<&str>) -> RequestContext {
    let ctx = RequestContext::new(Protocol::Grpc, &AUTH_SERVICE.methods[3]);
    match subject {
        Some(s) => ctx.with_caller(Caller {
            subject: s.into(),
            org: Some("org".into()),
            permissions: vec![],
            extensions: Default::default(),
        }),
        None => ctx,
    }
}

async fn verify(
    phones: &Phones<SqlStore, Arc<Recorder>>,
    subject: Option<&str>,
    code: &str,
) -> Status {
    let request = VerifyMyPhoneRequest { code: code.into() };
    phones
        .verify_my_phone(&ctx(subject), request)
        .await
        .expect_err("refused")
}

#[tokio::test]
async fn the_checks_the_wire_cannot_reach_keep_zitadels_order() {
    let (_dir, phones, _) = phones(false).await;
    phones.ensure_user("u", "org").await.expect("user");
    let message = |s: Status| s.message().to_string();
    // No caller at all, or one without a subject: the user id is missing, whatever the code.
    assert_eq!(
        message(verify(&phones, None, "").await),
        "User ID missing (COMMAND-Km9ds)"
    );
    assert_eq!(
        message(verify(&phones, Some(""), "").await),
        "User ID missing (COMMAND-Km9ds)"
    );
    // The empty code is checked before the user is looked up.
    let empty = verify(&phones, Some("nobody"), "").await;
    assert_eq!(empty.code(), Code::InvalidArgument);
    assert_eq!(message(empty), "Code is empty (COMMAND-wMe9f)");
    assert_eq!(
        message(verify(&phones, Some("u"), "").await),
        "Code is empty (COMMAND-wMe9f)"
    );
    assert_eq!(
        message(verify(&phones, Some("nobody"), "X").await),
        "User could not be found (COMMAND-Rsj8c)"
    );
}

#[tokio::test]
async fn a_failed_send_keeps_the_code_pending_without_code_sent() {
    let (_dir, phones, _) = phones(true).await;
    phones.ensure_user("u", "org").await.expect("user");
    let request = SetMyPhoneRequest {
        phone: "+41791234567".into(),
    };
    let set = phones
        .set_my_phone(&ctx(Some("u")), request)
        .await
        .expect("the change is stored even when the SMS is not sent");
    let details = set.details.expect("details");
    assert_eq!(
        details.sequence, 3,
        "added, changed, code.added; no code.sent"
    );
    let aggregate = phones.load("u").await.expect("load");
    let pending = aggregate.user.and_then(|u| u.phone).and_then(|p| p.code);
    assert!(pending.is_some_and(|c| !c.sent));
}

#[tokio::test]
async fn the_sent_code_is_the_one_stored() {
    let (_dir, phones, recorder) = phones(false).await;
    phones.ensure_user("u", "org").await.expect("user");
    let request = SetMyPhoneRequest {
        phone: "+41 79 123 45 67".into(),
    };
    phones
        .set_my_phone(&ctx(Some("u")), request)
        .await
        .expect("set");
    let sms = recorder.last.lock().expect("lock").clone().expect("sent");
    assert_eq!(sms.phone, "+41791234567");
    let request = VerifyMyPhoneRequest { code: sms.code };
    let verified = phones
        .verify_my_phone(&ctx(Some("u")), request)
        .await
        .expect("verified");
    let details = verified.details.expect("details");
    assert_eq!(
        (details.sequence, details.resource_owner.as_str()),
        (5, "org")
    );
    assert!(details.creation_date.is_none());
}

#[test]
fn phone_numbers_are_normalised_to_e164() {
    assert_eq!(
        normalize_phone("+41 79 123 45 67").as_deref(),
        Some("+41791234567")
    );
    assert_eq!(
        normalize_phone("+1 (415) 555-0100").as_deref(),
        Some("+14155550100")
    );
    assert_eq!(
        normalize_phone(" +49.30.1234567 ").as_deref(),
        Some("+49301234567")
    );
    for bad in [
        "41791234567",
        "+",
        "+123456",
        "+1234567890123456",
        "+41 79 abc",
        "+0791234567",
    ] {
        assert_eq!(normalize_phone(bad), None, "{bad}");
    }
}

#[tokio::test]
async fn refusals_of_the_handler_come_before_the_number_limit_and_do_not_count() {
    let (_dir, mut phones, _) = phones(false).await;
    phones.config.limits = SendLimits {
        per_user: 0,
        per_phone: 1,
        window: Duration::from_secs(3600),
        min_interval: Duration::ZERO,
    };
    phones.ensure_user("a", "org").await.expect("user");
    phones.ensure_user("b", "org").await.expect("user");
    let set = |phone: &str| SetMyPhoneRequest {
        phone: phone.into(),
    };
    let no_phone = phones
        .resend_my_phone_verification(&ctx(Some("a")), ResendMyPhoneVerificationRequest {})
        .await
        .expect_err("no phone");
    assert_eq!(no_phone.code(), Code::NotFound);
    phones
        .set_my_phone(&ctx(Some("a")), set("+41791234567"))
        .await
        .expect("first send");
    // The handler's own refusal wins and uses up nothing…
    let same = phones
        .set_my_phone(&ctx(Some("a")), set("+41 79 123 45 67"))
        .await
        .expect_err("same number");
    assert_eq!(same.message(), "Phone number not changed (PHONE-NoChg)");
    // … while a second send to the number is refused, for any user.
    let limited = phones
        .set_my_phone(&ctx(Some("b")), set("+41791234567"))
        .await
        .expect_err("second send");
    assert_eq!(limited.code(), Code::ResourceExhausted);
    phones
        .set_my_phone(&ctx(Some("b")), set("+41791234568"))
        .await
        .expect("another number");
}

#[tokio::test]
async fn user_ids_of_the_counters_are_reserved() {
    let (_dir, phones, _) = phones(false).await;
    let reserved = phones.ensure_user("phone-sends:+41791234567", "org").await;
    assert!(matches!(reserved, Err(UserError::ReservedId)));
}
