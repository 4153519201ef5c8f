//! State survives restarts, and SIGKILL right after an acknowledged verification loses nothing.

use crate::common::{Backend, Call, Env, Protocol};

crate::on_both_databases!(a_restart_after_kill_9_keeps_every_acknowledged_write);

async fn a_restart_after_kill_9_keeps_every_acknowledged_write(backend: Backend) {
    let Some(mut env) = Env::new(backend).await else {
        return;
    };
    // Keys come from the data directory here, so the restart must find the same ones.
    env.keys_from_env = false;
    let token = env.user("u", "o").await;
    let first = env.start(&[]).await;
    let mut api = first.api(Protocol::Grpc, Some(&token)).await;
    api.call(Call::Set("+41791234567".into()))
        .await
        .expect("set");
    let code = env.last_code("u").await;
    let verified = api.call(Call::Verify(code)).await.expect("verify");
    first.kill9().await;

    let second = env.start(&[]).await;
    let mut api = second.api(Protocol::Rest, Some(&token)).await;
    let phone = api
        .call(Call::Get)
        .await
        .expect("the old token is still valid");
    assert_eq!(phone["phone"]["isPhoneVerified"], true);
    assert_eq!(
        phone["details"]["sequence"],
        verified["details"]["sequence"]
    );
    assert_eq!(env.outbox().await.len(), 1);

    // A failed attempt counted before a clean stop still counts after it.
    api.call(Call::Set("+41791234568".into()))
        .await
        .expect("set");
    for _ in 0..4 {
        api.call(Call::Verify("WRONG1".into()))
            .await
            .expect_err("wrong");
    }
    second.stop().await;
    let third = env.start(&[]).await;
    let f = third
        .api(Protocol::Connect, Some(&token))
        .await
        .call(Call::Verify("WRONG1".into()))
        .await
        .expect_err("fifth failure");
    assert_eq!(f.detail.expect("detail").0, "PHONE-Lck5x");
}
