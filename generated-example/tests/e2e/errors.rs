//! ZITADEL's VerifyMyPhone error table, case by case and in its order, on every protocol; and
//! the bearer-token checks.

use verify_phone::token::Tokens;

use crate::common::api::ALL;
use crate::common::{claims, tokens, Backend, Call, Env, Failure};

crate::on_both_databases!(
    verify_answers_zitadels_error_table_in_order,
    expired_codes_are_answered_like_wrong_ones,
);

fn detail(id: &'static str, text: &'static str) -> Option<(&'static str, &'static str)> {
    Some((id, text))
}

async fn verify_answers_zitadels_error_table_in_order(backend: Backend) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let server = env.start(&[]).await;
    let with_phone = env.user("with-phone", "org").await;
    let without_phone = env.user("without-phone", "org").await;
    let empty_subject = tokens().sign(&claims("", "org")).expect("sign");
    let unknown_user = env.token("nobody", "org");
    let other_org = env.token("with-phone", "another-org");
    server
        .api(crate::common::Protocol::Rest, Some(&with_phone))
        .await
        .call(Call::Set("+41791234567".into()))
        .await
        .expect("set");

    for protocol in ALL {
        let verify = |token: Option<&str>, code: &str| {
            let (token, code) = (token.map(str::to_string), code.to_string());
            let server = &server;
            async move {
                server
                    .api(protocol, token.as_deref())
                    .await
                    .call(Call::Verify(code))
                    .await
                    .expect_err("refused")
            }
        };
        let case = |f: &Failure| (protocol, f.code, f.message.clone(), f.detail.clone());

        let f = verify(None, "ABC123").await;
        assert_eq!(f.key(), (16, "auth header missing", None), "{protocol:?}");
        if protocol == crate::common::Protocol::Rest {
            assert_eq!(f.http, Some(401));
            assert!(f.www_authenticate.is_some(), "401 carries WWW-Authenticate");
        }

        // 1. No user in the context (a token without subject), even with a bad code.
        let f = verify(Some(&empty_subject), "ABC123").await;
        assert_eq!(
            f.key(),
            (
                3,
                "User ID missing (COMMAND-Km9ds)",
                detail("COMMAND-Km9ds", "User ID missing")
            ),
            "{:?}",
            case(&f)
        );

        // 2. An empty code never reaches the handler: PGV's min_len answers first, with its
        // raw text and no ErrorDetail (the handler's own check is covered by unit tests).
        let f = verify(Some(&with_phone), "").await;
        assert_eq!(
            f.key(),
            (
                3,
                "invalid VerifyMyPhoneRequest.Code: value length must be between 1 and 200 runes, inclusive",
                None
            ),
            "{:?}",
            case(&f)
        );

        // 3. The user does not exist (or not in the caller's organisation).
        for token in [&unknown_user, &other_org] {
            let f = verify(Some(token), "ABC123").await;
            assert_eq!(
                f.key(),
                (
                    9,
                    "User could not be found (COMMAND-Rsj8c)",
                    detail("COMMAND-Rsj8c", "User could not be found")
                ),
                "{:?}",
                case(&f)
            );
            if protocol == crate::common::Protocol::Rest {
                assert_eq!(f.http, Some(400));
            }
        }

        // 4. No phone, hence no code.
        let f = verify(Some(&without_phone), "ABC123").await;
        assert_eq!(
            f.key(),
            (
                5,
                "Code not found (COMMAND-Rsj8c)",
                detail("COMMAND-Rsj8c", "Code not found")
            ),
            "{:?}",
            case(&f)
        );
        if protocol == crate::common::Protocol::Rest {
            assert_eq!(f.http, Some(404));
        }

        // 5. A wrong code (codes are upper case; lower case is wrong, not normalised).
        let code = env.last_code("with-phone").await;
        for wrong in ["ZZZZZZ", code.to_lowercase().as_str()] {
            let f = verify(Some(&with_phone), wrong).await;
            assert_eq!(
                f.key(),
                (
                    3,
                    "Code is invalid (COMMAND-sM0cs)",
                    detail("COMMAND-sM0cs", "Code is invalid")
                ),
                "{:?}",
                case(&f)
            );
        }
        // Two failures a protocol stay under the limit of 5 until the last one; start afresh.
        server
            .api(protocol, Some(&with_phone))
            .await
            .call(Call::Resend)
            .await
            .expect("resend");
    }
}

async fn expired_codes_are_answered_like_wrong_ones(backend: Backend) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let server = env.start(&["--code-expiry", "1s"]).await;
    let token = env.user("u", "o").await;
    let mut api = server
        .api(crate::common::Protocol::Grpc, Some(&token))
        .await;
    api.call(Call::Set("+41791234567".into()))
        .await
        .expect("set");
    let code = env.last_code("u").await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let f = api.call(Call::Verify(code)).await.expect_err("expired");
    assert_eq!(
        f.key(),
        (
            3,
            "Code is invalid (COMMAND-sM0cs)",
            detail("COMMAND-sM0cs", "Code is invalid")
        )
    );
    // A fresh code works at once.
    api.call(Call::Resend).await.expect("resend");
    let code = env.last_code("u").await;
    api.call(Call::Verify(code)).await.expect("verify");
}

/// Bad credentials are UNAUTHENTICATED on every protocol, before anything else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_tokens_are_unauthenticated_on_every_protocol() {
    let env = Env::new(Backend::Sqlite).await.expect("sqlite");
    let server = env.start(&[]).await;
    env.user("u", "o").await;
    let t = tokens();
    let expired = t
        .sign(&crate::common::Claims {
            exp: claims("u", "o").iat - 3600,
            ..claims("u", "o")
        })
        .expect("sign");
    let foreign_issuer = t
        .sign(&crate::common::Claims {
            iss: "someone-else".into(),
            ..claims("u", "o")
        })
        .expect("sign");
    let foreign_audience = t
        .sign(&crate::common::Claims {
            aud: "another-api".into(),
            ..claims("u", "o")
        })
        .expect("sign");
    let forged = Tokens::new(
        b"not the server key, but long enough!",
        "verify-phone",
        "verify-phone",
    )
    .sign(&claims("u", "o"))
    .expect("sign");
    let cases = [
        (expired, "invalid token: expired"),
        (foreign_issuer, "invalid token: wrong issuer"),
        (foreign_audience, "invalid token: wrong audience"),
        (forged, "invalid token: bad signature"),
        ("garbage".to_string(), "invalid token: malformed token"),
    ];
    for protocol in ALL {
        for (token, message) in &cases {
            let f = server
                .api(protocol, Some(token))
                .await
                .call(Call::Get)
                .await
                .expect_err("refused");
            assert_eq!((f.code, f.message.as_str()), (16, *message), "{protocol:?}");
        }
    }
}
