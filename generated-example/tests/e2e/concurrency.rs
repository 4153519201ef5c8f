//! Transactional writes: of concurrent verifications of one code exactly one succeeds.

use futures_util::future::join_all;

use crate::common::{Api, Backend, Call, Env, Protocol};

crate::on_both_databases!(concurrent_verifies_of_one_code_succeed_exactly_once);

async fn concurrent_verifies_of_one_code_succeed_exactly_once(backend: Backend) {
    let Some(env) = Env::new(backend).await else {
        return;
    };
    let server = env.start(&[]).await;
    let token = env.user("u", "o").await;
    for round in 0..4 {
        let mut api = server.api(Protocol::Rest, Some(&token)).await;
        api.call(Call::Set(format!("+4179123456{round}")))
            .await
            .expect("set");
        let code = env.last_code("u").await;
        let attempts = (0..8).map(|i| {
            let (base, token, code) = (server.base(), token.clone(), code.clone());
            let protocol = [
                Protocol::Rest,
                Protocol::Grpc,
                Protocol::GrpcWeb,
                Protocol::Connect,
            ][i % 4];
            async move {
                Api::new(protocol, &base, Some(&token))
                    .await
                    .call(Call::Verify(code))
                    .await
            }
        });
        let answers = join_all(attempts).await;
        let successes = answers.iter().filter(|a| a.is_ok()).count();
        assert_eq!(successes, 1, "round {round}: {answers:?}");
        for failure in answers.iter().filter_map(|a| a.as_ref().err()) {
            assert_eq!(
                failure.message, "Code not found (COMMAND-Rsj8c)",
                "round {round}"
            );
        }
        let phone = api.call(Call::Get).await.expect("get");
        assert_eq!(phone["phone"]["isPhoneVerified"], true);
    }
}

/// Many servers can share one PostgreSQL: state written through one is seen by the other, and
/// a race between them still has exactly one winner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_one_postgres() {
    let Some(env) = Env::new(Backend::Postgres).await else {
        return;
    };
    let a = env.start(&[]).await;
    let b = env.start(&[]).await;
    let token = env.user("u", "o").await;
    for round in 0..3 {
        let mut via_a = a.api(Protocol::Rest, Some(&token)).await;
        let mut via_b = b.api(Protocol::Grpc, Some(&token)).await;
        via_a
            .call(Call::Set(format!("+4179123456{round}")))
            .await
            .expect("set via A");
        let code = env.last_code("u").await;
        let attempts = (0..6).map(|i| {
            let base = if i % 2 == 0 { a.base() } else { b.base() };
            let (token, code) = (token.clone(), code.clone());
            async move {
                Api::new(Protocol::Rest, &base, Some(&token))
                    .await
                    .call(Call::Verify(code))
                    .await
            }
        });
        let answers = join_all(attempts).await;
        assert_eq!(
            answers.iter().filter(|a| a.is_ok()).count(),
            1,
            "{answers:?}"
        );
        let phone = via_b.call(Call::Get).await.expect("get via B");
        assert_eq!(phone["phone"]["isPhoneVerified"], true);
    }
    a.stop().await;
    b.stop().await;
}
