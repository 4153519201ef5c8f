//! `google.api.HttpBody` and PATCH field masks over REST on a real listener: uploads in any
//! content type stored as sent, downloads with the exact bytes and content type (whole,
//! through `response_body`, and streamed as raw chunks), HttpBody as an ordinary message over
//! Connect, and the `update_mask` a PATCH gets from its body's fields.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use protogate::wkt::{FieldMask, HttpBody};
use protogate::{RequestContext, Status};
use protogate_build_rs_test::probe::v1 as probe;
use serde_json::{json, Value};

/// Keeps uploaded bodies by name.
#[derive(Default)]
struct Blobs(Mutex<HashMap<String, HttpBody>>);

impl Blobs {
    fn store(&self, name: String, content: HttpBody) -> probe::BlobSummary {
        let summary = probe::BlobSummary {
            name: name.clone(),
            content_type: content.content_type.clone(),
            size: content.data.len() as i64,
        };
        self.0.lock().unwrap().insert(name, content);
        summary
    }

    fn get(&self, name: &str) -> Result<HttpBody, Status> {
        self.0
            .lock()
            .unwrap()
            .get(name)
            .cloned()
            .ok_or_else(|| Status::not_found(format!("no blob {name}")))
    }
}

impl probe::BlobServiceHandler for Blobs {
    async fn upload(
        &self,
        _: &RequestContext,
        request: probe::UploadRequest,
    ) -> Result<probe::BlobSummary, Status> {
        Ok(self.store(request.name, request.content.unwrap_or_default()))
    }

    async fn upload_raw(
        &self,
        _: &RequestContext,
        request: HttpBody,
    ) -> Result<probe::BlobSummary, Status> {
        Ok(self.store("raw".into(), request))
    }

    async fn download(
        &self,
        _: &RequestContext,
        request: probe::DownloadRequest,
    ) -> Result<HttpBody, Status> {
        self.get(&request.name)
    }

    async fn describe(
        &self,
        _: &RequestContext,
        request: probe::DownloadRequest,
    ) -> Result<probe::BlobSummary, Status> {
        let blob = self.get(&request.name)?;
        Ok(probe::BlobSummary {
            name: request.name,
            content_type: blob.content_type,
            size: blob.data.len() as i64,
        })
    }

    async fn fetch(
        &self,
        _: &RequestContext,
        request: probe::DownloadRequest,
    ) -> Result<probe::Blob, Status> {
        Ok(probe::Blob {
            content: Some(self.get(&request.name)?),
            name: request.name,
        })
    }

    async fn download_chunks(
        &self,
        _: &RequestContext,
        request: probe::DownloadRequest,
    ) -> Result<protogate::ResponseStream<HttpBody>, Status> {
        let blob = self.get(&request.name)?;
        let size = match request.chunk_size {
            n if n > 0 => n as usize,
            _ => blob.data.len().max(1),
        };
        let mut chunks: Vec<Result<HttpBody, Status>> = (0..blob.data.len())
            .step_by(size)
            .map(|at| {
                let end = (at + size).min(blob.data.len());
                Ok(HttpBody::new(
                    blob.content_type.clone(),
                    blob.data.slice(at..end),
                ))
            })
            .collect();
        if request.fail_after > 0 {
            chunks.truncate(request.fail_after as usize);
            chunks.push(Err(Status::aborted("the store went away")));
        }
        Ok(Box::pin(futures_util::stream::iter(chunks)))
    }

    async fn update_blob(
        &self,
        _: &RequestContext,
        request: probe::UpdateBlobRequest,
    ) -> Result<probe::UpdateBlobRequest, Status> {
        Ok(request)
    }
}

struct Running {
    addr: SocketAddr,
    http: reqwest::Client,
}

impl Running {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Status, Content-Type and body bytes.
    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, String, Vec<u8>) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (
            status,
            content_type,
            response.bytes().await.unwrap().to_vec(),
        )
    }

    async fn json(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let (status, _, body) = self.send(request).await;
        let text = String::from_utf8_lossy(&body);
        let value = serde_json::from_slice(&body).unwrap_or_else(|_| panic!("not JSON: {text}"));
        (status, value)
    }
}

async fn start() -> Running {
    let server = protogate::Server::new().service(probe::BlobService::new(Blobs::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve_with_shutdown(listener, std::future::pending()));
    Running {
        addr,
        http: reqwest::Client::new(),
    }
}

/// Bytes that are neither UTF-8 nor JSON.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe{\"not\":\"json\"}";

#[tokio::test]
async fn rest_upload_takes_raw_bytes_in_any_content_type_and_download_returns_them() {
    let s = start().await;
    let upload = s
        .http
        .post(s.url("/v1/blobs/logo"))
        .header("content-type", "image/png")
        .body(PNG);
    let (status, summary) = s.json(upload).await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(
        summary,
        json!({"name": "logo", "contentType": "image/png", "size": PNG.len().to_string()})
    );

    let (status, content_type, body) = s.send(s.http.get(s.url("/v1/blobs/logo"))).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "image/png");
    assert_eq!(body, PNG, "the exact bytes, not JSON");

    // `response_body: "content"`: the HttpBody field of a larger response.
    let fetch = s.http.get(s.url("/v1/blobs/logo/content"));
    let (status, content_type, body) = s.send(fetch).await;
    assert_eq!((status, content_type.as_str()), (200, "image/png"));
    assert_eq!(body, PNG);
}

#[tokio::test]
async fn rest_whole_request_http_body_keeps_the_content_type_and_parameters() {
    let s = start().await;
    let put = s
        .http
        .put(s.url("/v1/raw"))
        .header("content-type", "text/csv; charset=utf-8")
        .body("a,b\n1,2\n");
    let (status, summary) = s.json(put).await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["contentType"], "text/csv; charset=utf-8");
    let (_, content_type, body) = s.send(s.http.get(s.url("/v1/blobs/raw"))).await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert_eq!(body, b"a,b\n1,2\n");

    // An empty upload without a content type is stored empty; its download says
    // application/octet-stream.
    let (status, _) = s.json(s.http.put(s.url("/v1/raw"))).await;
    assert_eq!(status, 200);
    let (status, content_type, body) = s.send(s.http.get(s.url("/v1/blobs/raw"))).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/octet-stream");
    assert!(body.is_empty());
}

#[tokio::test]
async fn rest_streamed_http_body_is_the_chunks_back_to_back_without_framing() {
    let s = start().await;
    let upload = s
        .http
        .post(s.url("/v1/blobs/log"))
        .header("content-type", "text/plain")
        .body("0123456789");
    assert_eq!(s.json(upload).await.0, 200);
    let chunks = s.http.get(s.url("/v1/chunks/log?chunkSize=3"));
    let (status, content_type, body) = s.send(chunks).await;
    assert_eq!((status, content_type.as_str()), (200, "text/plain"));
    assert_eq!(body, b"0123456789");

    // A failure after the first chunk: grpc-gateway's error object on its own line.
    let failing = s.http.get(s.url("/v1/chunks/log?chunkSize=4&failAfter=1"));
    let (status, _, body) = s.send(failing).await;
    assert_eq!(status, 200);
    let text = String::from_utf8(body).unwrap();
    let (data, error) = text.split_at(4);
    assert_eq!(data, "0123");
    let error: Value = serde_json::from_str(error.trim_end()).unwrap();
    assert_eq!(error["error"]["code"], 10, "{error}");

    // A stream that fails before its first chunk is an ordinary error response.
    let missing = s.http.get(s.url("/v1/chunks/nothing"));
    let (status, body) = s.json(missing).await;
    assert_eq!((status, body["code"].clone()), (404, json!(5)));
}

#[tokio::test]
async fn http_body_is_an_ordinary_message_over_connect() {
    let s = start().await;
    let upload = s
        .http
        .post(s.url("/v1/blobs/note"))
        .header("content-type", "application/octet-stream")
        .body(&b"\x00\x01\x02"[..]);
    assert_eq!(s.json(upload).await.0, 200);
    let connect = s
        .http
        .post(s.url("/probe.v1.BlobService/Download"))
        .header("content-type", "application/json")
        .body(r#"{"name":"note"}"#);
    let (status, body) = s.json(connect).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"contentType": "application/octet-stream", "data": "AAEC"})
    );
}

#[tokio::test]
async fn rest_patch_fills_the_update_mask_from_the_body() {
    let s = start().await;
    let patch = s.http.patch(s.url("/v1/blobs/b1")).json(&json!({
        "displayName": "Logo",
        "owner": {"name": "Ada", "emailAddress": "ada@example.com"},
        "labels": {"team": "web", "tier": "1"},
        "tags": ["a", "b"],
        "created": "2024-05-01T00:00:00Z",
    }));
    let (status, echo) = s.json(patch).await;
    assert_eq!(status, 200, "{echo}");
    let mask: FieldMask = serde_json::from_value(echo["updateMask"].clone()).unwrap();
    assert_eq!(
        mask.paths,
        [
            "created",
            "display_name",
            "labels",
            "owner.email_address",
            "owner.name",
            "tags"
        ],
        "proto names, nested messages as dotted paths, maps and repeated fields whole"
    );
    assert_eq!(
        echo["blob"]["name"], "b1",
        "the path variable is not in the mask"
    );

    // An empty nested object names the field itself (it clears the message).
    let clear = s
        .http
        .patch(s.url("/v1/blobs/b1"))
        .json(&json!({"owner": {}}));
    let (_, echo) = s.json(clear).await;
    assert_eq!(echo["updateMask"], "owner");
}

#[tokio::test]
async fn rest_patch_keeps_an_update_mask_from_the_query_string() {
    let s = start().await;
    let patch = s
        .http
        .patch(s.url("/v1/blobs/b1?update_mask=display_name"))
        .json(&json!({"displayName": "Logo", "tags": ["x"]}));
    let (status, echo) = s.json(patch).await;
    assert_eq!(status, 200, "{echo}");
    assert_eq!(echo["updateMask"], "displayName");
    assert_eq!(echo["blob"]["tags"], json!(["x"]));

    // An empty body leaves the mask empty.
    let empty = s.http.patch(s.url("/v1/blobs/b1")).json(&json!({}));
    let (_, echo) = s.json(empty).await;
    assert_eq!(echo.get("updateMask"), None, "{echo}");
}

#[tokio::test]
async fn a_custom_verb_route_wins_over_a_plain_route_declared_before_it() {
    let s = start().await;
    for name in ["logo", "a:b"] {
        let upload = s
            .http
            .post(s.url(&format!("/v1/blobs/{}", name.replace(':', "%3A"))))
            .header("content-type", "image/png")
            .body(PNG);
        let (status, summary) = s.json(upload).await;
        assert_eq!(status, 200, "{summary}");
    }
    // `GET /v1/blobs/{name}` (Download) is declared before `GET /v1/blobs/{name}:describe`.
    let (status, summary) = s.json(s.http.get(s.url("/v1/blobs/logo:describe"))).await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(
        summary,
        json!({"name": "logo", "contentType": "image/png", "size": PNG.len().to_string()})
    );
    let (status, content_type, body) = s.send(s.http.get(s.url("/v1/blobs/logo"))).await;
    assert_eq!((status, content_type.as_str()), (200, "image/png"));
    assert_eq!(body, PNG);
    // A verb no route declares stays part of the name, as grpc-gateway matches it.
    let (status, _, body) = s.send(s.http.get(s.url("/v1/blobs/a:b"))).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(body, PNG);
}

#[tokio::test]
async fn http_body_answers_in_text_types_are_compressed_and_media_are_not() {
    use std::io::Read as _;
    let s = start().await;
    let csv: String = (0..400).map(|i| format!("{i},row {i}\n")).collect();
    let mut png = PNG.to_vec();
    png.resize(4096, 7);
    for (name, content_type, body) in [
        ("table", "text/csv; charset=utf-8", csv.as_bytes().to_vec()),
        ("picture", "image/png", png.clone()),
    ] {
        let upload = s
            .http
            .post(s.url(&format!("/v1/blobs/{name}")))
            .header("content-type", content_type)
            .body(body);
        let (status, summary) = s.json(upload).await;
        assert_eq!(status, 200, "{summary}");
    }
    let download = |name: &str| {
        s.http
            .get(s.url(&format!("/v1/blobs/{name}")))
            .header("accept-encoding", "gzip")
            .send()
    };

    let table = download("table").await.unwrap();
    assert_eq!(table.status(), 200);
    assert_eq!(table.headers()["content-encoding"], "gzip");
    assert_eq!(table.headers()["content-type"], "text/csv; charset=utf-8");
    let packed = table.bytes().await.unwrap();
    assert!(packed.len() < csv.len() / 2, "{} bytes", packed.len());
    let mut unpacked = String::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_string(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, csv);

    let picture = download("picture").await.unwrap();
    assert_eq!(picture.status(), 200);
    assert!(picture.headers().get("content-encoding").is_none());
    assert_eq!(picture.bytes().await.unwrap(), png);
}
