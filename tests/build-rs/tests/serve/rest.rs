//! REST: HttpRule forms (path, query, body, custom verbs, additional bindings), grpc-gateway's
//! error model, newline-delimited server streams.

use super::*;

#[tokio::test]
async fn rest_get_fills_the_request_from_path_and_query() {
    let s = start().await;
    let url = s.url("/v1/shelves/s1/books?page_size=10&authors=a&authors=b&format=HARDCOVER&published.start_year=1950&showOutOfPrint=true&unknown=1");
    let (status, body) = json_of(s.http.get(url).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["nextPageToken"], "next");
    assert_eq!(
        body["books"][0]["displayName"],
        "Title of shelves/s/books/1"
    );
    let last = s.last();
    assert_eq!(last["shelf"], "s1");
    assert_eq!(last["pageSize"], 10);
    assert_eq!(last["authors"], json!(["a", "b"]));
    assert_eq!(last["format"], "HARDCOVER");
    assert_eq!(last["published"]["startYear"], 1950);
    assert_eq!(last["showOutOfPrint"], true);
}

#[tokio::test]
async fn rest_multi_segment_variables_and_additional_bindings() {
    let s = start().await;
    let (status, body) = json_of(
        s.http
            .get(s.url("/v1/shelves/s1/books/b%202%2Fx"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["name"], "shelves/s1/books/b 2%2Fx",
        "multi-segment variables keep only %2F escaped, like grpc-gateway"
    );
    let (status, body) = json_of(
        s.http
            .get(s.url("/v2/shelves/s1/books/b2"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["name"].clone()),
        (200, json!("shelves/s1/books/b2"))
    );
    let (status, body) = json_of(
        s.http
            .post(s.url("/v1/shelves/s1/books/b3:get"))
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["name"].clone()),
        (200, json!("shelves/s1/books/b3"))
    );
}

#[tokio::test]
async fn rest_body_on_one_field_with_query_parameters() {
    let s = start().await;
    let response = s
        .http
        .post(s.url("/v1/shelves/s1/books?book_id=abc"))
        .json(&json!({"name": "shelves/s1/books/abc", "title": "Dune", "displayName": "Dune", "isbn13": "9780441013593"}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["displayName"], "Dune");
    let last = s.last();
    assert_eq!(last["shelf"], "s1");
    assert_eq!(last["bookId"], "abc");
    assert_eq!(last["book"]["isbn13"], "9780441013593");

    let (status, body) = json_of(
        s.http
            .patch(s.url("/v1/shelves/s1/books/b9"))
            .json(&json!({"title": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        s.last()["book"]["name"],
        "shelves/s1/books/b9",
        "nested path variable book.name"
    );
}

#[tokio::test]
async fn rest_custom_verb_response_body_and_delete() {
    let s = start().await;
    let response = s
        .http
        .post(s.url("/v1/shelves/s1/books/b1:checkout"))
        .bearer_auth("good")
        .json(&json!({"patronId": "p1"}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["name"], "loans/u1",
        "the handler sees the authenticated caller"
    );

    let (status, body) = json_of(
        s.http
            .get(s.url(
                "/v1/shelves/s1/books:batchGet?names=shelves/s1/books/x&names=shelves/s1/books/y",
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.is_array(),
        "response_body sends the field itself: {body}"
    );
    assert_eq!(body[1]["name"], "shelves/s1/books/y");

    let (status, body) = json_of(
        s.http
            .delete(s.url("/v1/shelves/s1/books/b1?etag=e"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body), (200, json!({})));
    assert_eq!(s.last()["etag"], "e");
}

#[tokio::test]
async fn rest_errors_follow_grpc_gateway() {
    let s = start().await;
    let (status, body) = json_of(s.http.get(s.url("/v1/nothing/here")).send().await.unwrap()).await;
    assert_eq!(
        (status, body["code"].clone(), body["details"].clone()),
        (404, json!(5), json!([]))
    );
    let (status, body) = json_of(
        s.http
            .put(s.url("/v1/shelves/s1/books/b1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (405, json!(12)),
        "known path, wrong method: RFC 9110's 405 (grpc-gateway's 501 is an option)"
    );
    let (status, body) = json_of(
        s.http
            .post(s.url("/v1/shelves/s1/books"))
            .header("content-type", "text/plain")
            .body("hello")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 415, "{body}");
    let (status, body) = json_of(
        s.http
            .post(s.url("/v1/shelves/s1/books"))
            .header("content-type", "application/json")
            .body("{\"name\": ")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["code"].clone()), (400, json!(3)));
    assert!(
        body["message"].as_str().unwrap().contains("invalid JSON"),
        "{body}"
    );
    let (status, body) = json_of(
        s.http
            .get(s.url("/v1/shelves/s1/books/missing"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["message"].clone()),
        (404, json!("shelves/s1/books/missing does not exist"))
    );
    let (status, body) = json_of(
        s.http
            .get(s.url("/v1/shelves/s1/books?page_size=5000"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "invalid ListBooksRequest.PageSize: value must be inside range [0, 1000]"
    );
    assert_eq!(
        body["details"][0]["@type"],
        "type.googleapis.com/google.rpc.BadRequest"
    );
    assert_eq!(
        body["details"][0]["fieldViolations"][0]["field"],
        "page_size"
    );
    let (status, body) = json_of(
        s.http
            .get(s.url("/v1/shelves/s1/books?page_size=abc"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["message"].clone()),
        (
            400,
            json!("query parameter `page_size`: invalid value \"abc\": expected a 32-bit integer")
        ),
        "a bad query parameter is named"
    );
    assert_eq!(
        body["details"][0]["fieldViolations"][0]["field"],
        "page_size"
    );
    let response = s
        .http
        .get(s.url("/v1/shelves/s1/books"))
        .bearer_auth("forged")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap()),
        Some("Bearer")
    );
    let (status, body) = json_of(response).await;
    assert_eq!((status, body["code"].clone()), (401, json!(16)));
    let big = "x".repeat(5 * 1024 * 1024);
    let (status, body) = json_of(
        s.http
            .post(s.url("/v1/shelves/s1/books"))
            .header("content-type", "application/json")
            .body(big)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (429, json!(8)),
        "oversized bodies are refused"
    );
    // Still serving.
    let (status, _) = json_of(
        s.http
            .get(s.url("/v1/shelves/s1/books/b1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn rest_server_streaming_is_newline_delimited_json() {
    let s = start().await;
    let response = s
        .http
        .get(s.url("/v1/shelves/s3/books:watch"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["result"]["resumeToken"], "s3-0");
    assert_eq!(lines[1]["result"]["deletedName"], "shelves/s3/books/1");
}
