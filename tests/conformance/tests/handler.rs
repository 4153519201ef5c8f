//! The handler's answers, called directly: what the reference server would send for each
//! response definition.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use protogate::wkt::Any;
use protogate::{Code, Protocol, RequestContext, RequestStream, Status};
use protogate_conformance::connectrpc::conformance::v1 as pb;
use protogate_conformance::Conformance;

use pb::conformance_payload::RequestInfo;
use pb::unary_response_definition::Response as UnaryOutcome;
use pb::ConformanceServiceHandler as _;

fn ctx(method: &str) -> RequestContext {
    let info = pb::CONFORMANCE_SERVICE
        .methods
        .iter()
        .find(|m| m.name == method)
        .unwrap_or_else(|| panic!("no method {method}"));
    let mut ctx = RequestContext::new(Protocol::Connect, info);
    ctx.headers.append("x-test", "a".parse().unwrap());
    ctx.headers.append("x-test", "b".parse().unwrap());
    ctx
}

fn error(code: pb::Code, message: &str) -> pb::Error {
    pb::Error {
        code: code as i32,
        message: Some(message.into()),
        details: vec![Any::pack(&pb::Header {
            name: "detail".into(),
            value: vec![],
        })],
    }
}

fn request_info_of(status: &Status) -> Option<RequestInfo> {
    let last = status.details().last()?;
    let any = Any {
        type_url: last.type_url.clone(),
        value: last.value().clone(),
    };
    any.unpack::<RequestInfo>().unwrap()
}

fn requests<T: Send + 'static>(items: Vec<T>) -> RequestStream<T> {
    Box::pin(futures_util::stream::iter(items.into_iter().map(Ok)))
}

#[tokio::test]
async fn unary_echoes_headers_timeout_and_the_request() {
    let mut ctx = ctx("Unary");
    ctx.deadline = Some(Instant::now() + Duration::from_secs(2));
    let request = pb::UnaryRequest {
        response_definition: Some(pb::UnaryResponseDefinition {
            response: Some(UnaryOutcome::ResponseData(b"hi".to_vec())),
            ..Default::default()
        }),
        request_data: b"req".to_vec(),
    };
    let response = Conformance.unary(&ctx, request.clone()).await.unwrap();
    let payload = response.payload.unwrap();
    assert_eq!(payload.data, b"hi");
    let info = payload.request_info.unwrap();
    let header = info
        .request_headers
        .iter()
        .find(|h| h.name == "x-test")
        .unwrap();
    assert_eq!(header.value, ["a", "b"]);
    let timeout = info.timeout_ms.unwrap();
    assert!((1900..=2000).contains(&timeout), "{timeout}");
    assert_eq!(info.requests, [Any::pack(&request)]);
    assert_eq!(
        info.requests[0].type_url,
        "type.googleapis.com/connectrpc.conformance.v1.UnaryRequest"
    );
}

#[tokio::test]
async fn no_deadline_no_timeout_and_no_definition_still_echoes() {
    let response = Conformance
        .idempotent_unary(
            &ctx("IdempotentUnary"),
            pb::IdempotentUnaryRequest::default(),
        )
        .await
        .unwrap();
    let info = response.payload.unwrap().request_info.unwrap();
    assert_eq!(info.timeout_ms, None);
    assert_eq!(info.requests.len(), 1);
}

#[tokio::test]
async fn a_unary_error_carries_its_details_then_the_request_info() {
    let request = pb::UnaryRequest {
        response_definition: Some(pb::UnaryResponseDefinition {
            response: Some(UnaryOutcome::Error(error(
                pb::Code::ResourceExhausted,
                "no",
            ))),
            ..Default::default()
        }),
        request_data: vec![],
    };
    let status = Conformance.unary(&ctx("Unary"), request).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert_eq!(status.message(), "no");
    assert_eq!(status.details().len(), 2);
    assert_eq!(
        status.details()[0].type_url,
        "type.googleapis.com/connectrpc.conformance.v1.Header"
    );
    assert_eq!(request_info_of(&status).unwrap().requests.len(), 1);
}

#[tokio::test]
async fn unimplemented_is_unimplemented() {
    let status = Conformance
        .unimplemented(&ctx("Unimplemented"), pb::UnimplementedRequest {})
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unimplemented);
}

fn stream_definition(data: &[&[u8]], error: Option<pb::Error>) -> pb::StreamResponseDefinition {
    pb::StreamResponseDefinition {
        response_data: data.iter().map(|d| d.to_vec()).collect(),
        error,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_server_stream_sends_the_request_info_once_then_the_error() {
    let request = pb::ServerStreamRequest {
        response_definition: Some(stream_definition(
            &[b"1", b"2"],
            Some(error(pb::Code::Aborted, "stop")),
        )),
        request_data: vec![],
    };
    let items: Vec<_> = Conformance
        .server_stream(&ctx("ServerStream"), request)
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    let first = items[0].as_ref().unwrap().payload.clone().unwrap();
    assert_eq!(first.data, b"1");
    assert_eq!(first.request_info.unwrap().requests.len(), 1);
    let second = items[1].as_ref().unwrap().payload.clone().unwrap();
    assert_eq!(
        (second.data.as_slice(), second.request_info),
        (&b"2"[..], None)
    );
    let status = items[2].as_ref().unwrap_err();
    assert_eq!(status.code(), Code::Aborted);
    // Responses went out, so the error does not repeat the request info.
    assert_eq!(status.details().len(), 1);
}

#[tokio::test]
async fn a_server_stream_error_before_any_response_carries_the_request_info() {
    let request = pb::ServerStreamRequest {
        response_definition: Some(stream_definition(&[], Some(error(pb::Code::Internal, "x")))),
        request_data: vec![],
    };
    let items: Vec<_> = Conformance
        .server_stream(&ctx("ServerStream"), request)
        .await
        .unwrap()
        .collect()
        .await;
    let [Err(status)] = items.as_slice() else {
        panic!("one error expected: {items:?}");
    };
    assert!(request_info_of(status).is_some());
}

#[tokio::test]
async fn a_client_stream_answers_per_the_first_message_and_echoes_them_all() {
    let first = pb::ClientStreamRequest {
        response_definition: Some(pb::UnaryResponseDefinition {
            response: Some(UnaryOutcome::ResponseData(b"ok".to_vec())),
            ..Default::default()
        }),
        request_data: b"1".to_vec(),
    };
    let second = pb::ClientStreamRequest {
        response_definition: None,
        request_data: b"2".to_vec(),
    };
    let response = Conformance
        .client_stream(&ctx("ClientStream"), requests(vec![first, second]))
        .await
        .unwrap();
    let payload = response.payload.unwrap();
    assert_eq!(payload.data, b"ok");
    assert_eq!(payload.request_info.unwrap().requests.len(), 2);
}

fn bidi_request(
    full_duplex: bool,
    definition: Option<pb::StreamResponseDefinition>,
) -> pb::BidiStreamRequest {
    pb::BidiStreamRequest {
        response_definition: definition,
        full_duplex,
        request_data: vec![],
    }
}

#[tokio::test]
async fn full_duplex_answers_each_request_and_stops_reading_when_out_of_data() {
    let definition = stream_definition(&[b"a", b"b"], Some(error(pb::Code::DataLoss, "end")));
    let input = vec![
        bidi_request(true, Some(definition)),
        bidi_request(true, None),
        bidi_request(true, None),
    ];
    let items: Vec<_> = Conformance
        .bidi_stream(&ctx("BidiStream"), requests(input))
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 3, "{items:?}");
    let first = items[0].as_ref().unwrap().payload.clone().unwrap();
    let info = first.request_info.unwrap();
    assert_eq!(
        (info.requests.len(), info.request_headers.is_empty()),
        (1, false)
    );
    let second = items[1].as_ref().unwrap().payload.clone().unwrap();
    let info = second.request_info.unwrap();
    // Later responses describe only the requests since the previous one.
    assert_eq!((info.requests.len(), info.request_headers.len()), (1, 0));
    let status = items[2].as_ref().unwrap_err();
    assert_eq!((status.code(), status.details().len()), (Code::DataLoss, 1));
}

#[tokio::test]
async fn half_duplex_answers_after_the_requests_end() {
    let definition = stream_definition(&[b"a", b"b", b"c"], None);
    let input = vec![
        bidi_request(false, Some(definition)),
        bidi_request(false, None),
    ];
    let items: Vec<_> = Conformance
        .bidi_stream(&ctx("BidiStream"), requests(input))
        .await
        .unwrap()
        .collect()
        .await;
    let payloads: Vec<_> = items
        .into_iter()
        .map(|i| i.unwrap().payload.unwrap())
        .collect();
    assert_eq!(payloads.len(), 3);
    assert_eq!(payloads[0].request_info.as_ref().unwrap().requests.len(), 2);
    assert!(payloads[1..].iter().all(|p| p.request_info.is_none()));
}

#[tokio::test]
async fn the_json_of_an_echo_writes_the_requests_as_canonical_any() {
    protogate::wkt::register_descriptors(pb::FILE_DESCRIPTOR_SET).unwrap();
    let request = pb::UnaryRequest {
        response_definition: None,
        request_data: b"\x01".to_vec(),
    };
    let response = Conformance.unary(&ctx("Unary"), request).await.unwrap();
    let json = serde_json::to_value(&response).unwrap();
    assert_eq!(
        json["payload"]["requestInfo"]["requests"][0],
        serde_json::json!({
            "@type": "type.googleapis.com/connectrpc.conformance.v1.UnaryRequest",
            "requestData": "AQ=="
        })
    );
    let back: pb::UnaryResponse = serde_json::from_value(json).unwrap();
    assert_eq!(back, response);
}

fn header(name: &str, value: &str) -> pb::Header {
    pb::Header {
        name: name.into(),
        value: vec![value.into()],
    }
}

#[tokio::test]
async fn headers_and_trailers_are_set_before_the_handler_returns() {
    let mut definition = stream_definition(&[b"a"], None);
    definition.response_headers = vec![header("x-custom-header", "h")];
    definition.response_trailers = vec![header("x-custom-trailer", "t")];
    let ctx = ctx("BidiStream");
    let input = vec![bidi_request(false, Some(definition.clone()))];
    // Not yet polled: the headers come from the first request, read before returning.
    let _stream = Conformance
        .bidi_stream(&ctx, requests(input))
        .await
        .unwrap();
    assert_eq!(ctx.response().headers()["x-custom-header"], "h");
    assert_eq!(ctx.response().trailers()["x-custom-trailer"], "t");

    let ctx = self::ctx("ServerStream");
    let request = pb::ServerStreamRequest {
        response_definition: Some(definition),
        request_data: vec![],
    };
    let _stream = Conformance.server_stream(&ctx, request).await.unwrap();
    assert_eq!(ctx.response().headers()["x-custom-header"], "h");

    let ctx = self::ctx("Unary");
    let request = pb::UnaryRequest {
        response_definition: Some(pb::UnaryResponseDefinition {
            response_headers: vec![header("x-custom-header", "h")],
            response_trailers: vec![header("x-custom-trailer", "t")],
            response: Some(UnaryOutcome::Error(error(pb::Code::Aborted, "x"))),
            ..Default::default()
        }),
        request_data: vec![],
    };
    Conformance.unary(&ctx, request).await.unwrap_err();
    // On error too.
    assert_eq!(ctx.response().headers()["x-custom-header"], "h");
    assert_eq!(ctx.response().trailers()["x-custom-trailer"], "t");
}
