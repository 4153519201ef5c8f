//! The reference the example serves beside its API: the OpenAPI document at `/openapi.json`
//! and the HTML pages under `/docs`, whose documented validation error is the one the server
//! answers.

use serde_json::{json, Value};

use crate::common::{Backend, Env};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_serves_its_openapi_document_and_reference_pages() {
    let Some(env) = Env::new(Backend::Sqlite).await else {
        return;
    };
    let server = env.start(&[]).await;
    assert!(
        server.banner.iter().any(|l| l.contains("/docs")),
        "the banner names the reference pages: {:?}",
        server.banner
    );
    let http = reqwest::Client::new();

    let answer = http
        .get(format!("{}/openapi.json", server.base()))
        .send()
        .await
        .expect("GET /openapi.json");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "application/json");
    let document: Value = answer.json().await.expect("JSON");
    assert_eq!(document["servers"][0]["url"], "/auth/v1");
    assert_eq!(
        document["paths"]["/users/me/phone/_verify"]["post"]["operationId"],
        "AuthService_VerifyMyPhone"
    );

    let index = http
        .get(format!("{}/docs", server.base()))
        .send()
        .await
        .expect("GET /docs");
    assert_eq!(index.status(), 200);
    let csp = index.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII")
        .to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let index = index.text().await.expect("text");
    assert!(index.contains("/docs/zitadel.auth.v1.AuthService#VerifyMyPhone"));

    let page = http
        .get(format!(
            "{}/docs/zitadel.auth.v1.AuthService",
            server.base()
        ))
        .send()
        .await
        .expect("GET the service page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("<h2>Verify Phone</h2>"));
    assert!(page.contains("non-empty and &lt;= 200 characters"));
    for asset in ["/docs/try-it.js", "/docs/docs.css"] {
        let answer = http
            .head(format!("{}{asset}", server.base()))
            .send()
            .await
            .expect("HEAD an asset");
        assert_eq!(answer.status(), 200, "{asset}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_validation_error_is_what_an_empty_code_gets() {
    let Some(env) = Env::new(Backend::Sqlite).await else {
        return;
    };
    let server = env.start(&[]).await;
    let token = env.user("reader", "org").await;
    let answer = reqwest::Client::new()
        .post(format!("{}/auth/v1/users/me/phone/_verify", server.base()))
        .bearer_auth(token)
        .json(&json!({ "code": "" }))
        .send()
        .await
        .expect("POST verify");
    assert_eq!(answer.status(), 400);
    let body: Value = answer.json().await.expect("JSON");
    let page = verify_phone::reference::PAGES
        .iter()
        .find(|p| p.path == "/docs/zitadel.auth.v1.AuthService")
        .expect("the service page")
        .body;
    let section = &page[page
        .find("<section class=\"method\" id=\"VerifyMyPhone\">")
        .expect("the Verify Phone section")..];
    let example = section
        .split("<p>Example (HTTP 400):</p>\n<pre class=\"example\"><code>")
        .nth(1)
        .and_then(|rest| rest.split("</code></pre>").next())
        .expect("the error example");
    let documented: Value = serde_json::from_str(
        &example
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
    .expect("the example is JSON");
    assert_eq!(body, documented);
    server.stop().await;
}
