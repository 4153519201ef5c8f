//! Beyond ZITADEL: a code dies after a number of failed attempts, so guessing one of 36^6
//! codes is hopeless, even with many requests in flight at once.

use futures_util::future::join_all;

use crate::common::{Backend, Call, Env, Protocol};

crate::on_both_databases!(
    the_fifth_failure_invalidates_the_code_until_a_new_one_is_sent,
    concurrent_guesses_never_get_more_attempts_than_the_limit,
);

const LOCKED: (i32, &str, Option<(&str, &str)>) = (
    9,
    "Too many failed attempts: the code is no longer valid, request a new one (PHONE-Lck5x)",
    Some((
        "PHONE-Lck5x",
        "Too many failed attempts: the code is no longer valid, request a new one",
    )),
);

async fn the_fifth_failure_invalidates_the_code_until_a_new_one_is_sent(backend: Backend) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let server = env.start(&[]).await;
    let token = env.user("u", "o").await;
    let mut api = server.api(Protocol::Rest, Some(&token)).await;
    api.call(Call::Set("+41791234567".into()))
        .await
        .expect("set");
    let code = env.last_code("u").await;
    for attempt in 1..=4 {
        let f = api
            .call(Call::Verify("WRONG1".into()))
            .await
            .expect_err("wrong");
        assert_eq!(
            f.message, "Code is invalid (COMMAND-sM0cs)",
            "attempt {attempt}"
        );
    }
    let f = api
        .call(Call::Verify("WRONG1".into()))
        .await
        .expect_err("fifth");
    assert_eq!(f.key(), LOCKED);
    assert_eq!(f.http, Some(400));
    let f = api
        .call(Call::Verify(code))
        .await
        .expect_err("even the right code is refused now");
    assert_eq!(f.key(), LOCKED);
    let phone = api.call(Call::Get).await.expect("get");
    assert_eq!(phone["phone"].get("isPhoneVerified"), None);

    api.call(Call::Resend).await.expect("resend");
    let fresh = env.last_code("u").await;
    api.call(Call::Verify(fresh))
        .await
        .expect("a new code works");
}

async fn concurrent_guesses_never_get_more_attempts_than_the_limit(backend: Backend) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let server = env.start(&["--max-attempts", "3"]).await;
    let token = env.user("u", "o").await;
    let mut api = server.api(Protocol::Grpc, Some(&token)).await;
    api.call(Call::Set("+41791234567".into()))
        .await
        .expect("set");
    let code = env.last_code("u").await;
    let guesses = (0..12).map(|i| {
        let (base, token) = (server.base(), token.clone());
        let protocol = if i % 2 == 0 {
            Protocol::Rest
        } else {
            Protocol::Grpc
        };
        async move {
            crate::common::Api::new(protocol, &base, Some(&token))
                .await
                .call(Call::Verify(format!("GUESS{}", i % 10)))
                .await
                .expect_err("wrong")
        }
    });
    let failures = join_all(guesses).await;
    let invalid = failures.iter().filter(|f| f.code == 3).count();
    let locked = failures.iter().filter(|f| f.key() == LOCKED).count();
    assert_eq!(
        (invalid, locked),
        (2, 10),
        "with a limit of 3: two plain failures, the third locks, the rest find it locked"
    );
    let f = api.call(Call::Verify(code)).await.expect_err("locked");
    assert_eq!(f.key(), LOCKED);
}
