//! The library schema's generated code, construct by construct: routes for every HttpRule
//! form, streaming kinds, proto3 JSON, validators, and handlers served through the adapters.

use protogate::codec::{Input, Output};
use protogate::{
    BodySpec, HttpMethod, MethodKind, Protocol, RequestContext, Requests, Responses, Segment,
    Service, Validate,
};
use protogate_build_rs_test::library::admin::v1 as admin;
use protogate_build_rs_test::library::common::v1 as common;
use protogate_build_rs_test::library::v1 as lib;

fn method(service: &'static protogate::ServiceInfo, name: &str) -> &'static protogate::MethodInfo {
    service
        .methods
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("{name} missing"))
}

/// Calls a unary method through the neutral service, as every protocol does.
async fn call_unary<S: Service>(
    service: &S,
    index: usize,
    ctx: RequestContext,
    input: Input,
) -> Result<Output, protogate::Status> {
    match service.call(index, ctx, Requests::One(input)).await? {
        Responses::One(output) => Ok(output),
        Responses::Stream(_) => panic!("a unary method answered with a stream"),
    }
}

#[test]
fn additional_bindings_and_multi_segment_variables_are_routed() {
    let get = method(&lib::BOOK_SERVICE, "GetBook");
    assert_eq!(get.routes.len(), 3, "primary + two additional bindings");
    let primary = &get.routes[0];
    assert_eq!(primary.method, HttpMethod::Get);
    assert_eq!(primary.template.source, "/v1/{name=shelves/*/books/*}");
    assert_eq!(
        primary.template.segments,
        &[
            Segment::Literal("v1"),
            Segment::Literal("shelves"),
            Segment::Single,
            Segment::Literal("books"),
            Segment::Single
        ]
    );
    let captured = primary
        .template
        .matches("/v1/shelves/s1/books/b2")
        .expect("matches");
    assert_eq!(captured[0].field_path, &["name"]);
    assert_eq!(captured[0].value, "shelves/s1/books/b2");
    assert!(get.routes.iter().any(|r| r.method == HttpMethod::Post
        && r.body == BodySpec::Whole
        && r.template.verb == Some("get")));
}

#[test]
fn custom_verbs_custom_methods_and_bodies() {
    let checkout = method(&lib::BOOK_SERVICE, "CheckoutBook");
    assert_eq!(checkout.routes[0].template.verb, Some("checkout"));
    assert!(checkout.routes[0]
        .template
        .matches("/v1/shelves/a/books/b:checkout")
        .is_some());
    assert!(checkout.routes[0]
        .template
        .matches("/v1/shelves/a/books/b")
        .is_none());

    let cancel = method(&lib::LOAN_SERVICE, "CancelLoan");
    assert_eq!(cancel.routes[0].template.verb, Some("cancel"));

    let exists = method(&lib::BOOK_SERVICE, "BookExists");
    assert_eq!(exists.routes[0].method, HttpMethod::Custom("HEAD"));

    let create = method(&lib::BOOK_SERVICE, "CreateBook");
    assert_eq!(create.routes[0].body, BodySpec::Field("book"));

    let batch = method(&lib::BOOK_SERVICE, "BatchGetBooks");
    assert_eq!(batch.routes[0].response_body, Some("books"));

    let list = method(&lib::BOOK_SERVICE, "ListBooks");
    assert_eq!(list.routes[0].method, HttpMethod::Get);
    assert_eq!(list.routes[0].body, BodySpec::None);

    let update = method(&lib::BOOK_SERVICE, "UpdateBook");
    assert_eq!(update.routes[0].method, HttpMethod::Patch);
    assert_eq!(
        update.routes[0].template.variables[0].field_path,
        &["book", "name"]
    );
}

#[test]
fn double_star_captures_the_rest_of_the_path() {
    let export = method(&admin::ADMIN_SERVICE, "GetExportFile");
    let template = &export.routes[0].template;
    assert_eq!(template.segments.last(), Some(&Segment::Multi));
    let captured = template
        .matches("/v1/files/2024/q1/loans.csv")
        .expect("matches");
    assert_eq!(captured[0].value, "files/2024/q1/loans.csv");
}

#[test]
fn streaming_kinds_are_recorded() {
    assert_eq!(
        method(&lib::BOOK_SERVICE, "WatchBooks").kind,
        MethodKind::ServerStreaming
    );
    assert_eq!(
        method(&lib::LOAN_SERVICE, "LoanDesk").kind,
        MethodKind::BidiStreaming
    );
    assert_eq!(
        method(&admin::ADMIN_SERVICE, "BulkImportBooks").kind,
        MethodKind::ClientStreaming
    );
    assert!(
        method(&lib::LOAN_SERVICE, "LoanDesk").routes.is_empty(),
        "gRPC-only method"
    );
    assert_eq!(lib::BOOK_SERVICE.name, "library.v1.BookService");
    assert_eq!(
        method(&lib::BOOK_SERVICE, "GetBook").grpc_path,
        "/library.v1.BookService/GetBook"
    );
}

#[test]
fn proto3_json_uses_json_names_and_canonical_encodings() {
    let book = lib::Book {
        name: "shelves/a/books/b".into(),
        isbn_13: "9780141036144".into(),
        display_title: "Nineteen Eighty-Four".into(),
        r#type: "novel".into(),
        format: common::BookFormat::Hardcover as i32,
        subtitle: Some("A Novel".into()),
        publish_time: Some(protogate::wkt::Timestamp {
            seconds: 0,
            nanos: 0,
        }),
        acquisition: Some(lib::book::Acquisition::PurchaseOrderId("PO-1".into())),
        ..Default::default()
    };
    let json = serde_json::to_value(&book).unwrap();
    assert_eq!(json["isbn13"], "9780141036144");
    assert_eq!(
        json["displayName"], "Nineteen Eighty-Four",
        "explicit json_name"
    );
    assert_eq!(json["type"], "novel");
    assert_eq!(json["format"], "HARDCOVER", "enums by their proto name");
    assert_eq!(json["subtitle"], "A Novel");
    assert_eq!(json["publishTime"], "1970-01-01T00:00:00Z");
    assert_eq!(json["purchaseOrderId"], "PO-1");
    // Both the JSON name and the proto name are accepted in; unknown fields are ignored only
    // when configured, so the canonical form is what round-trips.
    let back: lib::Book =
        serde_json::from_value(serde_json::json!({"isbn_13": "1", "displayName": "x"})).unwrap();
    assert_eq!(back.isbn_13, "1");
    assert_eq!(back.display_title, "x");
    let shelf = lib::Shelf {
        capacity: u64::MAX,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&shelf).unwrap()["capacity"],
        u64::MAX.to_string(),
        "64-bit integers are strings"
    );
}

#[test]
fn validators_enforce_the_schema_rules_with_pgv_messages() {
    let ok = lib::Shelf {
        id: "fiction-a".into(),
        display_name: "Fiction".into(),
        capacity: 10,
        ..Default::default()
    };
    ok.validate().expect("valid shelf");

    let bad = lib::Shelf {
        id: "Fiction A".into(),
        capacity: 0,
        ..ok.clone()
    };
    let all = bad.validate_all().unwrap_err();
    let messages: Vec<&str> = all.iter().map(|v| v.message.as_str()).collect();
    assert!(
        messages.contains(
            &"invalid Shelf.Id: value does not match regex pattern \"^[a-z][a-z0-9-]*$\""
        ),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"invalid Shelf.Capacity: value must be greater than 0"),
        "{messages:?}"
    );
    assert_eq!(
        bad.validate().unwrap_err().0.len(),
        1,
        "validate() stops at the first violation"
    );

    let list = lib::ListBooksRequest {
        shelf: "a".into(),
        page_size: 1001,
        ..Default::default()
    };
    assert_eq!(
        list.validate().unwrap_err().0[0].message,
        "invalid ListBooksRequest.PageSize: value must be inside range [0, 1000]"
    );
    let list = lib::ListBooksRequest {
        shelf: "a".into(),
        format: 99,
        ..Default::default()
    };
    assert_eq!(list.validate().unwrap_err().0[0].rule, "enum.defined_only");

    let create = lib::CreateBookRequest {
        shelf: "a".into(),
        ..Default::default()
    };
    let v = create.validate().unwrap_err();
    assert_eq!(
        v.0[0].message,
        "invalid CreateBookRequest.Book: value is required"
    );

    let batch = lib::BatchGetBooksRequest {
        shelf: "a".into(),
        names: vec![],
    };
    assert_eq!(
        batch.validate().unwrap_err().0[0].rule,
        "repeated.min_items"
    );
}

#[test]
fn embedded_messages_are_validated_with_their_path() {
    let create = lib::CreateBookRequest {
        shelf: "a".into(),
        book: Some(lib::Book {
            name: "shelves/a/books/b".into(),
            isbn_13: "123".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let v = create.validate_all().unwrap_err();
    let isbn = v
        .iter()
        .find(|v| v.field == "book.isbn_13")
        .expect("nested path");
    assert!(isbn.message.starts_with("invalid CreateBookRequest.Book: embedded message failed validation | caused by: invalid Book.Isbn13:"), "{}", isbn.message);
}

struct Authors;

impl lib::AuthorServiceHandler for Authors {
    async fn get_author(
        &self,
        ctx: &RequestContext,
        request: lib::GetAuthorRequest,
    ) -> Result<lib::Author, protogate::Status> {
        assert_eq!(ctx.method.name, "GetAuthor");
        Ok(lib::Author {
            name: request.name,
            display_name: "George Orwell".into(),
            birth_year: Some(1903),
            ..Default::default()
        })
    }
}

#[tokio::test]
async fn one_handler_answers_json_and_protobuf_through_the_neutral_service() {
    let service = lib::AuthorService::new(Authors);
    let index = service
        .info()
        .methods
        .iter()
        .position(|m| m.name == "GetAuthor")
        .unwrap();
    let ctx = RequestContext::new(Protocol::Rest, &service.info().methods[index]);
    let output = call_unary(
        &service,
        index,
        ctx.clone(),
        Input::Json(serde_json::json!({"name": "authors/orwell"})),
    )
    .await
    .expect("handled");
    let json = output.to_json().unwrap();
    assert_eq!(json["displayName"], "George Orwell");
    assert_eq!(json["birthYear"], 1903);

    let request = prost::Message::encode_to_vec(&lib::GetAuthorRequest {
        name: "authors/x".into(),
    });
    let output = call_unary(&service, index, ctx.clone(), Input::Proto(request.into()))
        .await
        .unwrap();
    let decoded: lib::Author = prost::Message::decode(output.to_proto().as_slice()).unwrap();
    assert_eq!(decoded.name, "authors/x");

    let err = call_unary(&service, index, ctx, Input::JsonBytes("{not json".into()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), protogate::Code::InvalidArgument);
}

#[tokio::test]
async fn invalid_requests_never_reach_the_handler() {
    struct Panicking;
    impl lib::AuthorServiceHandler for Panicking {
        async fn get_author(
            &self,
            _: &RequestContext,
            _: lib::GetAuthorRequest,
        ) -> Result<lib::Author, protogate::Status> {
            panic!("the handler must not see an invalid request")
        }
    }
    let service = lib::AuthorService::new(Panicking);
    let ctx = RequestContext::new(Protocol::Connect, &service.info().methods[0]);
    let err = call_unary(
        &service,
        0,
        ctx,
        Input::Json(serde_json::json!({"name": ""})),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), protogate::Code::InvalidArgument);
    assert!(
        err.message().starts_with("invalid GetAuthorRequest.Name:"),
        "{}",
        err.message()
    );
    assert_eq!(
        err.details()[0].type_url,
        "type.googleapis.com/google.rpc.BadRequest"
    );
}

struct Desk;

impl lib::LoanServiceHandler for Desk {
    async fn get_loan(
        &self,
        _: &RequestContext,
        request: lib::GetLoanRequest,
    ) -> Result<lib::Loan, protogate::Status> {
        Ok(lib::Loan {
            name: request.name,
            ..Default::default()
        })
    }

    async fn cancel_loan(
        &self,
        _: &RequestContext,
        request: lib::CancelLoanRequest,
    ) -> Result<lib::Loan, protogate::Status> {
        Ok(lib::Loan {
            name: request.name,
            ..Default::default()
        })
    }

    async fn loan_desk(
        &self,
        _: &RequestContext,
        requests: protogate::RequestStream<lib::LoanDeskRequest>,
    ) -> Result<protogate::ResponseStream<lib::LoanDeskResponse>, protogate::Status> {
        use futures_util::StreamExt;
        Ok(Box::pin(
            requests.map(|r| r.map(|_| lib::LoanDeskResponse::default())),
        ))
    }
}

#[tokio::test]
async fn bidi_methods_read_a_stream_of_validated_messages() {
    use futures_util::StreamExt;
    let service = lib::LoanService::new(Desk);
    let desk = service
        .info()
        .methods
        .iter()
        .position(|m| m.name == "LoanDesk")
        .unwrap();
    assert_eq!(service.info().methods[desk].kind, MethodKind::BidiStreaming);
    let ctx = RequestContext::new(Protocol::Grpc, &service.info().methods[desk]);
    let inputs = futures_util::stream::iter([
        Ok(Input::Json(serde_json::json!({}))),
        Ok(Input::JsonBytes("{not json".into())),
    ]);
    let Responses::Stream(answers) = service
        .call(desk, ctx, Requests::Stream(Box::pin(inputs)))
        .await
        .expect("opened")
    else {
        panic!("a bidi method answers with a stream");
    };
    let answers: Vec<_> = answers.collect().await;
    assert_eq!(answers.len(), 2);
    assert!(answers[0].is_ok());
    let err = answers[1].as_ref().unwrap_err();
    assert_eq!(err.code(), protogate::Code::InvalidArgument, "{err:?}");
}

#[test]
fn prost_name_gives_top_level_and_nested_messages_prost_build_s_names_and_type_urls() {
    use prost::Name;
    assert_eq!(lib::Book::NAME, "Book");
    assert_eq!(lib::Book::PACKAGE, "library.v1");
    assert_eq!(lib::Book::full_name(), "library.v1.Book");
    assert_eq!(lib::Book::type_url(), "type.googleapis.com/library.v1.Book");
    // prost-build names a nested message by its own name; the full name has its parents.
    type Printing = lib::book::edition::Printing;
    assert_eq!(Printing::NAME, "Printing");
    assert_eq!(Printing::PACKAGE, "library.v1");
    assert_eq!(Printing::full_name(), "library.v1.Book.Edition.Printing");
    assert_eq!(
        Printing::type_url(),
        "type.googleapis.com/library.v1.Book.Edition.Printing"
    );
}
