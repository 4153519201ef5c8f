//! The index against hand-built descriptor sets.

use super::*;
use prost_types::{EnumDescriptorProto, FileDescriptorSet};
use prost_types::{MethodDescriptorProto as Method, ServiceDescriptorProto as Service};

fn message(name: &str, nested: Vec<DescriptorProto>) -> DescriptorProto {
    DescriptorProto {
        name: Some(name.into()),
        nested_type: nested,
        ..Default::default()
    }
}

fn extension(name: &str, number: i32) -> FieldDescriptorProto {
    let extendee = Some(".acme.common.Base".into());
    FieldDescriptorProto {
        name: Some(name.into()),
        extendee,
        number: Some(number),
        ..Default::default()
    }
}

fn service(name: &str, method: &str) -> Service {
    let method = vec![Method {
        name: Some(method.into()),
        ..Default::default()
    }];
    Service {
        name: Some(name.into()),
        method,
        ..Default::default()
    }
}

fn file(name: &str, package: Option<&str>, imports: &[&str]) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some(name.into()),
        package: package.map(Into::into),
        dependency: imports.iter().map(|&import| import.into()).collect(),
        ..Default::default()
    }
}

fn common() -> FileDescriptorProto {
    let mut common = file("acme/common.proto", Some("acme.common"), &[]);
    common.message_type = vec![message("Base", vec![]), message("Money", vec![])];
    let level = EnumDescriptorProto {
        name: Some("Level".into()),
        ..Default::default()
    };
    common.enum_type = vec![level];
    common
}

// Imports a file missing from the set, which must be skipped, not fatal.
fn users() -> FileDescriptorProto {
    let mut users = file(
        "acme/v1/users.proto",
        Some("acme.v1"),
        &["acme/common.proto", "google/protobuf/empty.proto"],
    );
    let mut user = message(
        "User",
        vec![message("Profile", vec![message("Address", vec![])])],
    );
    let id = FieldDescriptorProto {
        name: Some("id".into()),
        ..Default::default()
    };
    user.field = vec![id];
    // Indexed before the top-level extension, so 105 is met before 100.
    user.extension = vec![extension("rank", 105)];
    users.message_type = vec![user];
    users.extension = vec![extension("nickname", 100)];
    users.service = vec![service("Users", "Get")];
    users
}

// No package; reaches `common` twice (directly and through `users`), to be sent once.
fn loose() -> FileDescriptorProto {
    let mut loose = file(
        "loose.proto",
        None,
        &["acme/v1/users.proto", "acme/common.proto"],
    );
    loose.message_type = vec![message("Loose", vec![])];
    loose.service = vec![service("Plain", "Ping")];
    loose
}

fn set(files: Vec<FileDescriptorProto>) -> Vec<u8> {
    FileDescriptorSet { file: files }.encode_to_vec()
}

fn index() -> Reflection {
    Reflection::new(&[&set(vec![common(), users(), loose()])]).expect("the test set indexes")
}

fn ask(reflection: &Reflection, ask: Ask) -> Answer {
    let request = ServerReflectionRequest {
        host: "h".into(),
        message_request: Some(ask),
    };
    let response = reflection.answer(&request);
    assert_eq!(
        (response.valid_host.as_str(), response.original_request),
        ("h", Some(request))
    );
    response
        .message_response
        .expect("every answer sets message_response")
}

// The encoded files answered, in order.
fn files(answer: Answer) -> Vec<Bytes> {
    match answer {
        Answer::FileDescriptorResponse(files) => files.file_descriptor_proto,
        other => panic!("not files: {other:?}"),
    }
}

fn names(answer: Answer) -> Vec<String> {
    let name = |raw| {
        FileDescriptorProto::decode(raw)
            .expect("a file")
            .name()
            .to_owned()
    };
    files(answer).into_iter().map(name).collect()
}

fn symbol(name: &str) -> Ask {
    Ask::FileContainingSymbol(name.into())
}

fn extension_of(containing_type: &str, extension_number: i32) -> Ask {
    let containing_type = containing_type.into();
    Ask::FileContainingExtension(ExtensionRequest {
        containing_type,
        extension_number,
    })
}

const ALL: [&str; 3] = ["loose.proto", "acme/v1/users.proto", "acme/common.proto"];

#[test]
fn file_by_filename_sends_the_file_then_its_imports_once_each() {
    let reflection = index();
    let by_name = |name: &str| names(ask(&reflection, Ask::FileByFilename(name.into())));
    assert_eq!(by_name("loose.proto"), ALL);
    assert_eq!(by_name("acme/v1/users.proto"), ALL[1..]);
    assert_eq!(by_name("acme/common.proto"), ALL[2..]);
}

#[test]
fn file_containing_symbol_finds_every_kind_of_definition_with_or_without_a_dot() {
    let reflection = index();
    let cases = [
        ("acme.common.Money", &ALL[2..]),
        (".acme.common.Level", &ALL[2..]),
        ("acme.v1.User.Profile.Address", &ALL[1..]),
        (".acme.v1.User.id", &ALL[1..]),
        ("acme.v1.Users", &ALL[1..]),
        ("acme.v1.Users.Get", &ALL[1..]),
        ("acme.v1.nickname", &ALL[1..]),
        ("acme.v1.User.rank", &ALL[1..]),
        ("Loose", &ALL[..]),
        (".Plain.Ping", &ALL[..]),
    ];
    for (name, files) in cases {
        assert_eq!(names(ask(&reflection, symbol(name))), files, "{name}");
    }
}

#[test]
fn unknown_names_answer_not_found_naming_them() {
    let reflection = index();
    let cases = [
        (symbol("acme.v1.Nobody"), "symbol \"acme.v1.Nobody\""),
        // A packageless symbol is not reachable under a package.
        (symbol("acme.v1.Loose"), "symbol \"acme.v1.Loose\""),
        (Ask::FileByFilename("no.proto".into()), "file \"no.proto\""),
        (
            extension_of("acme.common.Base", 7),
            "extension 7 of \"acme.common.Base\"",
        ),
        (
            extension_of("acme.common.Money", 100),
            "extension 100 of \"acme.common.Money\"",
        ),
        (
            Ask::AllExtensionNumbersOfType("acme.No".into()),
            "type \"acme.No\"",
        ),
    ];
    for (question, named) in cases {
        let Answer::ErrorResponse(error) = ask(&reflection, question) else {
            panic!("{named}: not an error");
        };
        let expected = (Code::NotFound as i32, format!("{named} not found"));
        assert_eq!((error.error_code, error.error_message), expected);
    }
    let answer = index()
        .answer(&ServerReflectionRequest::default())
        .message_response;
    let Some(Answer::ErrorResponse(error)) = answer else {
        panic!("not an error")
    };
    assert_eq!(error.error_code, Code::InvalidArgument as i32);
}

#[test]
fn extensions_are_found_by_extendee_and_number() {
    let reflection = index();
    assert_eq!(
        names(ask(&reflection, extension_of("acme.common.Base", 105))),
        ALL[1..]
    );
    assert_eq!(
        names(ask(&reflection, extension_of(".acme.common.Base", 100))),
        ALL[1..]
    );
    let numbers = |name: &str| match ask(&reflection, Ask::AllExtensionNumbersOfType(name.into())) {
        Answer::AllExtensionNumbersResponse(it) => (it.base_type_name, it.extension_number),
        other => panic!("not numbers: {other:?}"),
    };
    assert_eq!(
        numbers(".acme.common.Base"),
        (".acme.common.Base".into(), vec![100, 105])
    );
    assert_eq!(numbers("acme.v1.User"), ("acme.v1.User".into(), vec![]));
}

#[test]
fn list_services_names_every_service_sorted() {
    let Answer::ListServicesResponse(list) = ask(&index(), Ask::ListServices("*".into())) else {
        panic!("not a service list");
    };
    let names: Vec<_> = list
        .service
        .into_iter()
        .map(|service| service.name)
        .collect();
    assert_eq!(names, ["Plain", "acme.v1.Users"]);
}

#[test]
fn a_file_in_several_sets_is_kept_once_as_first_seen() {
    let mut changed = common();
    changed.enum_type.clear();
    // `loose` imports `users`, which only a later set holds.
    let (first, second) = (set(vec![common(), loose()]), set(vec![changed, users()]));
    let reflection = Reflection::new(&[&first, &second]).expect("duplicates are allowed");
    assert_eq!(reflection.services(), ["Plain", "acme.v1.Users"]);
    assert_eq!(
        names(ask(&reflection, Ask::FileByFilename("loose.proto".into()))),
        ALL
    );
    let level = files(ask(&reflection, symbol("acme.common.Level")));
    assert_eq!(level, [Bytes::from(common().encode_to_vec())]);
}

#[test]
fn bad_sets_are_refused_saying_why() {
    let refusal = |sets: &[&[u8]]| Reflection::new(sets).expect_err("refused").to_string();
    let mut other = users();
    other.name = Some("acme/v1/other.proto".into());
    let twice = refusal(&[&set(vec![common(), users(), other])]);
    assert_eq!(
        twice,
        "acme.v1.User is defined in both acme/v1/users.proto and acme/v1/other.proto"
    );
    let mut other = file("other.proto", Some("other"), &[]);
    other.extension = vec![extension("again", 100)];
    let twice = refusal(&[&set(vec![users(), other])]);
    let expected = "extension 100 of acme.common.Base is defined in both acme/v1/users.proto";
    assert_eq!(twice, format!("{expected} and other.proto"));
    let truncated = refusal(&[&set(vec![]), b"\x0a\x05ab"]);
    assert!(
        truncated.starts_with("descriptor set #1 does not decode"),
        "{truncated}"
    );
    let mut unnamed = common();
    unnamed.message_type.push(DescriptorProto::default());
    let unnamed = refusal(&[&set(vec![unnamed])]);
    assert_eq!(
        unnamed,
        "descriptor set #0: a message in file \"acme/common.proto\" has no name"
    );
}

#[test]
fn files_are_served_byte_for_byte() {
    // An unknown field (number 999, varint 1) stands in for a custom option prost would drop.
    let mut raw = common().encode_to_vec();
    raw.extend_from_slice(&[0xb8, 0x3e, 0x01]);
    let set = RawFileSet {
        file: vec![Bytes::from(raw.clone())],
    }
    .encode_to_vec();
    let reflection = Reflection::new(&[&set]).expect("indexes");
    assert_eq!(
        files(ask(&reflection, symbol("acme.common.Money"))),
        [Bytes::from(raw)]
    );
}

// The case an optional oneof's Debug names: `Some(FileByFilename(..))` → `FileByFilename`.
fn case(oneof: &impl std::fmt::Debug) -> String {
    format!("{oneof:?}")
        .split('(')
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_wire_matches_tonic_reflection_v1_and_v1alpha() {
    use tonic_reflection::pb::{v1, v1alpha};
    let reflection = index();
    let questions = [
        Some(Ask::FileByFilename("loose.proto".into())),
        Some(symbol("Loose")),
        Some(extension_of("acme.common.Base", 100)),
        Some(Ask::AllExtensionNumbersOfType("acme.common.Base".into())),
        Some(Ask::ListServices("*".into())),
        None,
    ];
    for message_request in questions {
        let request = ServerReflectionRequest {
            host: "h".into(),
            message_request,
        };
        let bytes = request.encode_to_vec();
        let theirs = v1alpha::ServerReflectionRequest::decode(bytes.as_slice()).expect("decodes");
        assert_eq!(
            case(&theirs.message_request),
            case(&request.message_request)
        );
        // prost drops the fields it has no number for, so equal bytes mean every field landed.
        assert_eq!(theirs.encode_to_vec(), bytes);

        let ours = reflection.answer(&request);
        let bytes = ours.encode_to_vec();
        let theirs = v1::ServerReflectionResponse::decode(bytes.as_slice()).expect("decodes");
        assert_eq!(case(&theirs.message_response), case(&ours.message_response));
        assert_eq!(theirs.encode_to_vec(), bytes);
    }
}

#[test]
fn proto3_json_reads_both_field_spellings_and_writes_camel_case() {
    use base64::Engine as _;
    let loose = base64::engine::general_purpose::STANDARD.encode(loose().encode_to_vec());
    for text in [
        r#"{"fileContainingSymbol":"Loose"}"#,
        r#"{"file_containing_symbol":"Loose"}"#,
    ] {
        let request: ServerReflectionRequest = serde_json::from_str(text).expect("parses");
        assert_eq!(request.message_request, Some(symbol("Loose")));
        let response = serde_json::to_value(index().answer(&request)).expect("serializes");
        assert_eq!(
            response["fileDescriptorResponse"]["fileDescriptorProto"][0],
            loose.as_str()
        );
    }
    let request = serde_json::from_str(r#"{"listServices":""}"#).expect("parses");
    let response = serde_json::to_value(index().answer(&request)).expect("serializes");
    let expected = serde_json::json!({
        "originalRequest": {"listServices": ""},
        "listServicesResponse": {"service": [{"name": "Plain"}, {"name": "acme.v1.Users"}]},
    });
    assert_eq!(response, expected);
}
