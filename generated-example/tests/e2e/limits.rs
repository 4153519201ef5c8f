//! Send limits: every code is an SMS, so sends are limited per phone number, per user and in
//! time. A refusal is RESOURCE_EXHAUSTED (REST 429) with a `google.rpc.RetryInfo`, sends
//! nothing and changes nothing; the counts live in the database, so they hold across
//! protocols and restarts.

use std::time::Duration;

use crate::common::{Backend, Call, Env, Failure, Protocol};

crate::on_both_databases!(
    a_number_gets_at_most_n_codes_per_window_whoever_asks,
    a_user_gets_at_most_n_codes_per_window_even_after_a_restart,
    codes_for_one_user_are_spaced_by_the_resend_interval,
);

const RESOURCE_EXHAUSTED: i32 = 8;

/// Checks a refusal by `id`, and returns its retry delay.
fn refused(f: &Failure, id: &str, http: Option<u16>, at_most: Duration) -> Duration {
    assert_eq!(f.code, RESOURCE_EXHAUSTED, "{f:?}");
    assert_eq!(f.http, http, "{f:?}");
    let (detail_id, text) = f.detail.clone().expect("an ErrorDetail");
    assert_eq!(detail_id, id);
    assert_eq!(f.message, format!("{text} ({id})"));
    let delay = f.retry_delay.expect("a RetryInfo");
    assert!(
        delay > Duration::ZERO && delay <= at_most,
        "retry delay {delay:?} not in (0, {at_most:?}]"
    );
    delay
}

async fn a_number_gets_at_most_n_codes_per_window_whoever_asks(backend: Backend) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let window = Duration::from_secs(5);
    let server = env
        .start(&["--sends-per-phone", "2", "--send-window", "5s"])
        .await;
    let (alice, bob) = (env.user("alice", "o").await, env.user("bob", "o").await);
    let mut rest = server.api(Protocol::Rest, Some(&alice)).await;
    let mut grpc = server.api(Protocol::Grpc, Some(&bob)).await;
    let number = "+41791234567";

    rest.call(Call::Set(number.into()))
        .await
        .expect("set: 1st SMS");
    rest.call(Call::Resend).await.expect("resend: 2nd SMS");
    let before = rest.call(Call::Get).await.expect("get");
    let f = rest.call(Call::Resend).await.expect_err("3rd SMS");
    refused(&f, "PHONE-RtNum", Some(429), window);
    assert_eq!(env.outbox().await.len(), 2, "no SMS went out");
    assert_eq!(
        rest.call(Call::Get).await.expect("get"),
        before,
        "nothing changed"
    );

    // Another user asking for the same number is refused too, over gRPC, and gets no phone.
    let f = grpc
        .call(Call::Set(number.into()))
        .await
        .expect_err("same number");
    let delay = refused(&f, "PHONE-RtNum", None, window);
    assert_eq!(
        grpc.call(Call::Get).await.expect("get")["phone"],
        serde_json::Value::Null
    );
    // Another number is not affected.
    grpc.call(Call::Set("+41791234568".into()))
        .await
        .expect("another number");
    assert_eq!(env.outbox().await.len(), 3);

    // Once the window has moved past the first send, the number gets a code again.
    tokio::time::sleep(delay + Duration::from_millis(50)).await;
    rest.call(Call::Resend)
        .await
        .expect("resend after the window");
    let outbox = env.outbox().await;
    assert_eq!(outbox.len(), 4);
    assert_eq!(outbox[3]["phone"], number);
    let code = env.last_code("alice").await;
    rest.call(Call::Verify(code))
        .await
        .expect("the new code works");
}

async fn a_user_gets_at_most_n_codes_per_window_even_after_a_restart(backend: Backend) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let flags = ["--sends-per-user", "2", "--send-window", "1h"];
    let server = env.start(&flags).await;
    let (alice, bob) = (env.user("alice", "o").await, env.user("bob", "o").await);
    let mut api = server.api(Protocol::Connect, Some(&alice)).await;
    api.call(Call::Set("+41791234567".into()))
        .await
        .expect("1st");
    api.call(Call::Set("+41791234568".into()))
        .await
        .expect("2nd");
    let code = env.last_code("alice").await;
    let f = api
        .call(Call::Set("+41791234569".into()))
        .await
        .expect_err("3rd");
    refused(&f, "PHONE-RtUsr", Some(429), Duration::from_secs(3600));
    let phone = api.call(Call::Get).await.expect("get");
    assert_eq!(
        phone["phone"]["phone"], "+41791234568",
        "the number did not change"
    );
    assert_eq!(env.outbox().await.len(), 2);
    server.stop().await;

    let server = env.start(&flags).await;
    let mut api = server.api(Protocol::GrpcWeb, Some(&alice)).await;
    let f = api
        .call(Call::Resend)
        .await
        .expect_err("still over the limit");
    refused(&f, "PHONE-RtUsr", None, Duration::from_secs(3600));
    // The code sent last is still pending and valid.
    api.call(Call::Verify(code)).await.expect("verify");
    // Another user is not affected.
    server
        .api(Protocol::Rest, Some(&bob))
        .await
        .call(Call::Set("+41791234569".into()))
        .await
        .expect("bob");
    assert_eq!(env.outbox().await.len(), 3);
}

async fn codes_for_one_user_are_spaced_by_the_resend_interval(backend: Backend) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let server = env.start(&["--resend-interval", "1s"]).await;
    let token = env.user("u", "o").await;
    let mut api = server.api(Protocol::GrpcWeb, Some(&token)).await;
    api.call(Call::Set("+41791234567".into()))
        .await
        .expect("set");
    let f = api.call(Call::Resend).await.expect_err("too soon");
    let delay = refused(&f, "PHONE-RtInt", None, Duration::from_secs(1));
    let f = server
        .api(Protocol::Rest, Some(&token))
        .await
        .call(Call::Set("+41791234568".into()))
        .await
        .expect_err("a new number is a new SMS too");
    refused(&f, "PHONE-RtInt", Some(429), Duration::from_secs(1));
    assert_eq!(env.outbox().await.len(), 1);
    tokio::time::sleep(delay + Duration::from_millis(50)).await;
    api.call(Call::Resend)
        .await
        .expect("resend after the interval");
    assert_eq!(env.outbox().await.len(), 2);
}
