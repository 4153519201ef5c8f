//! The command-line contract scripts rely on (DESIGN.md): `serve [--addr]`, `token --user
//! --org` printing only the token, `outbox [--json]`, settings from flags and env.

use crate::common::{path_str, tokens, Backend, Call, Env, Protocol};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_prints_only_a_valid_token_and_creates_the_user() {
    let env = Env::new(Backend::Sqlite).await.expect("sqlite");
    let out = env
        .run(&["token", "--user", "alice", "--org", "acme"])
        .await;
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(stdout.lines().count(), 1, "only the token: {stdout:?}");
    let token = stdout.trim_end();
    assert_eq!(token.split('.').count(), 3, "a JWT");
    let caller = tokens().verify(token).expect("valid for the server key");
    assert_eq!(
        (caller.subject.as_str(), caller.org.as_deref()),
        ("alice", Some("acme"))
    );

    let server = env.start(&[]).await;
    let phone = server
        .api(Protocol::Rest, Some(token))
        .await
        .call(Call::Get)
        .await
        .expect("the user exists");
    assert_eq!(phone["details"]["resourceOwner"], "acme");
    // Asking again keeps the user; another organisation is refused.
    let again = env
        .run(&["token", "--user", "alice", "--org", "acme"])
        .await;
    assert!(again.status.success());
    let other = env
        .run(&["token", "--user", "alice", "--org", "other"])
        .await;
    assert!(!other.status.success());
    assert!(other.stdout.is_empty());
    assert!(crate::common::stderr(&other).contains("already exists in organisation acme"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_prints_json_lines_with_the_contract_fields() {
    let env = Env::new(Backend::Sqlite).await.expect("sqlite");
    assert!(env.outbox().await.is_empty());
    let server = env.start(&[]).await;
    let token = env.user("bob", "acme").await;
    server
        .api(Protocol::Rest, Some(&token))
        .await
        .call(Call::Set("+1 (415) 555-0100".into()))
        .await
        .expect("set");
    let messages = env.outbox().await;
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m["user_id"], "bob");
    assert_eq!(m["phone"], "+14155550100");
    let code = m["code"].as_str().expect("code");
    assert_eq!(code.len(), 6);
    let created_at = m["created_at"].as_str().expect("RFC 3339");
    assert!(
        created_at.ends_with('Z') && created_at.contains('T'),
        "{created_at}"
    );

    let text = env.run(&["outbox"]).await;
    let text = String::from_utf8(text.stdout).expect("utf-8");
    assert_eq!(text.lines().count(), 1);
    assert!(
        text.trim_end().ends_with(code),
        "the code is the last column: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_explains_every_setting_and_its_environment_variable() {
    let env = Env::new(Backend::Sqlite).await.expect("sqlite");
    let top = env.run(&["--help"]).await;
    let top = String::from_utf8(top.stdout).expect("utf-8");
    for needle in [
        "serve",
        "token",
        "outbox",
        "--data-dir",
        "DATABASE_URL",
        "--token-key",
        "VERIFY_PHONE_TOKEN_KEY",
        "--token-issuer",
        "--token-audience",
        "--code-key",
        "--code-expiry",
        "VERIFY_PHONE_CODE_EXPIRY",
        "--max-attempts",
        "VERIFY_PHONE_MAX_ATTEMPTS",
    ] {
        assert!(top.contains(needle), "--help lacks {needle}:\n{top}");
    }
    let serve = env.run(&["serve", "--help"]).await;
    let serve = String::from_utf8(serve.stdout).expect("utf-8");
    assert!(
        serve.contains("--addr") && serve.contains("127.0.0.1:8080"),
        "{serve}"
    );
}

/// The commands `serve` prints, pasted into a shell as they are, walk through set → outbox →
/// verify → get: the curl section always, the buf curl section when `buf` is installed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_walkthrough_works_when_pasted_into_a_shell() {
    let env = Env::new(Backend::Sqlite).await.expect("sqlite");
    let server = env.start(&[]).await;
    let banner = server.banner.join("\n");
    let (rest, grpc) = banner
        .split_once("with buf curl")
        .expect("a curl and a buf curl section");
    let export = rest
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with("export TOKEN="))
        .expect("the token");
    let commands = |section: &str, tool: &str| -> Vec<String> {
        let mut commands = vec![export.to_string()];
        commands.extend(
            section
                .lines()
                .map(str::trim_start)
                .filter(|l| l.starts_with(tool) || l.starts_with("CODE="))
                .map(str::to_string),
        );
        commands
    };
    let curl = commands(rest, "curl ");
    assert_eq!(
        curl.len(),
        5,
        "the token, set, the outbox, verify, get:\n{banner}"
    );
    let last = run_walkthrough(&env, &curl).await;
    assert_eq!(last["phone"]["isPhoneVerified"], true);
    assert_eq!(last["details"]["resourceOwner"], "demo-org");
    assert!(banner.contains(path_str(&env.data_dir().canonicalize().expect("data dir"))));

    let buf = commands(grpc, "buf curl ");
    assert_eq!(
        buf.len(),
        5,
        "the token, set, the outbox, verify, get:\n{banner}"
    );
    if std::process::Command::new("buf")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("buf is not installed: the buf curl walkthrough is not run");
        return;
    }
    // A new number, so there is a new code to verify.
    let buf: Vec<String> = buf
        .iter()
        .map(|c| c.replace("+41 79 123 45 67", "+41 79 765 43 21"))
        .collect();
    let last = run_walkthrough(&env, &buf).await;
    assert_eq!(last["phone"]["isPhoneVerified"], true);
}

/// Runs `commands` in bash in the test's working directory; the JSON the last one printed.
async fn run_walkthrough(env: &Env, commands: &[String]) -> serde_json::Value {
    let script = format!("set -e\n{}\n", commands.join("\n"));
    let out = tokio::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(env.dir.path())
        .env("VERIFY_PHONE_TOKEN_KEY", crate::common::TOKEN_KEY)
        .env("VERIFY_PHONE_CODE_KEY", crate::common::CODE_KEY)
        .env_remove("DATABASE_URL")
        .output()
        .await
        .expect("bash");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script}\n{stdout}\n{}",
        crate::common::stderr(&out)
    );
    // curl prints one line of JSON per call, buf curl pretty-prints: take the last object.
    let start = stdout.rfind("\n{").map_or(0, |i| i + 1);
    serde_json::from_str(&stdout[start..]).unwrap_or_else(|_| panic!("not JSON: {stdout}"))
}
