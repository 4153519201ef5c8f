//! The walkthrough on every protocol: set phone → code from the outbox → verify → get phone,
//! and the sibling methods.

use serde_json::Value;

use crate::common::api::ALL;
use crate::common::{Backend, Call, Env};

crate::on_both_databases!(
    set_verify_get_on_every_protocol,
    resend_replaces_the_code_and_remove_clears_the_phone,
);

fn sequence(answer: &Value) -> u64 {
    answer["details"]["sequence"]
        .as_str()
        .expect("uint64 as a JSON string")
        .parse()
        .expect("number")
}

async fn set_verify_get_on_every_protocol(backend: Backend) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let server = env.start(&[]).await;
    for protocol in ALL {
        let user = format!("user-{protocol:?}").to_lowercase();
        let token = env.user(&user, "org-1").await;
        let mut api = server.api(protocol, Some(&token)).await;

        let before = api.call(Call::Get).await.expect("get");
        assert_eq!(before.get("phone"), None, "{protocol:?}: no phone yet");
        assert_eq!(before["details"]["resourceOwner"], "org-1");
        assert!(before["details"]["creationDate"].is_string());

        let set = api
            .call(Call::Set("+41 79 123 45 67".into()))
            .await
            .expect("set");
        // changed, code.added, code.sent after the user's creation event.
        assert_eq!(sequence(&set), 4, "{protocol:?}: {set}");
        assert_eq!(set["details"]["resourceOwner"], "org-1");
        assert!(set["details"]["changeDate"]
            .as_str()
            .expect("date")
            .ends_with('Z'));

        let unverified = api.call(Call::Get).await.expect("get");
        assert_eq!(
            unverified["phone"],
            serde_json::json!({"phone": "+41791234567"}),
            "{protocol:?}: stored in E.164 form, unverified"
        );

        let code = env.last_code(&user).await;
        assert_eq!(code.len(), 6);
        assert!(code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));

        let verified = api.call(Call::Verify(code.clone())).await.expect("verify");
        assert_eq!(sequence(&verified), 5, "{protocol:?}: {verified}");
        assert_eq!(
            verified["details"].get("creationDate"),
            None,
            "ZITADEL leaves the creation date unset on VerifyMyPhone"
        );
        assert_eq!(verified["details"]["resourceOwner"], "org-1");

        let after = api.call(Call::Get).await.expect("get");
        assert_eq!(after["phone"]["phone"], "+41791234567");
        assert_eq!(after["phone"]["isPhoneVerified"], true, "{protocol:?}");
        assert_eq!(sequence(&after), 5);

        let again = api.call(Call::Verify(code)).await.expect_err("used up");
        assert_eq!(
            again.key(),
            (
                5,
                "Code not found (COMMAND-Rsj8c)",
                Some(("COMMAND-Rsj8c", "Code not found"))
            ),
            "{protocol:?}: a second verify finds no code"
        );
    }
    let outbox = env.outbox().await;
    assert_eq!(outbox.len(), 4, "one SMS per protocol");
    for sms in &outbox {
        assert_eq!(sms["phone"], "+41791234567");
        let text = sms["message"].as_str().expect("text");
        assert!(text.ends_with(sms["code"].as_str().expect("code")));
    }
}

async fn resend_replaces_the_code_and_remove_clears_the_phone(backend: Backend) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let server = env.start(&[]).await;
    let token = env.user("u1", "o1").await;
    for protocol in ALL {
        let mut api = server.api(protocol, Some(&token)).await;
        api.call(Call::Set(format!("+4179000000{}", protocol as u8)))
            .await
            .expect("set");
        let first = env.last_code("u1").await;
        api.call(Call::Resend).await.expect("resend");
        let second = env.last_code("u1").await;
        let stale = api
            .call(Call::Verify(first.clone()))
            .await
            .expect_err("the first code is replaced");
        if first != second {
            assert_eq!(
                stale.message, "Code is invalid (COMMAND-sM0cs)",
                "{protocol:?}"
            );
        }
        api.call(Call::Verify(second)).await.expect("verify");
        let verified = api.call(Call::Resend).await.expect_err("nothing to resend");
        assert_eq!(
            verified.key(),
            (
                9,
                "Phone number is already verified (PHONE-IsVer)",
                Some(("PHONE-IsVer", "Phone number is already verified"))
            )
        );
        let unchanged = api
            .call(Call::Set(format!("+4179000000{}", protocol as u8)))
            .await
            .expect_err("same number");
        assert_eq!(unchanged.code, 9, "{protocol:?}");

        let removed = api.call(Call::Remove).await.expect("remove");
        assert!(removed["details"]["sequence"].is_string());
        let after = api.call(Call::Get).await.expect("get");
        assert_eq!(after.get("phone"), None, "{protocol:?}");
        let again = api.call(Call::Remove).await.expect_err("no phone");
        assert_eq!(again.code, 5, "{protocol:?}");
        let resend = api.call(Call::Resend).await.expect_err("no phone");
        assert_eq!(resend.code, 5, "{protocol:?}");
        let invalid = api
            .call(Call::Set("+12".into()))
            .await
            .expect_err("too short");
        assert_eq!(
            invalid.key(),
            (
                3,
                "Phone number is invalid (PHONE-Inv4l)",
                Some(("PHONE-Inv4l", "Phone number is invalid"))
            )
        );
    }
}
