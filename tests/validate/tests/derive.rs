//! `#[derive(Validate)]` on hand-written structs: the same rules, ids and PGV messages as the
//! generator, and compile errors for bad attributes (trybuild, `tests/ui/`).

use protogate::Validate;

#[derive(Validate, Default)]
#[validate(name = "Details")]
struct Details {
    #[validate(string(min_len = 1))]
    resource_owner: String,
}

#[derive(Validate, Default)]
#[validate(name = "VerifyMyPhoneRequest")]
struct Request {
    #[validate(string(min_len = 1, max_len = 200))]
    code: String,
    #[validate(uint64(gt = 0))]
    sequence: u64,
    #[validate(string(prefix = "+", ignore_empty))]
    phone: Option<String>,
    #[validate(message(required))]
    details: Option<Details>,
    #[validate(repeated(max_items = 3, unique))]
    tags: Vec<String>,
    #[validate(string(pattern = "^\\w+$"))]
    word: String,
}

fn valid() -> Request {
    Request {
        code: "H83J3".into(),
        sequence: 1,
        phone: Some("+41".into()),
        details: Some(Details {
            resource_owner: "o".into(),
        }),
        tags: vec!["a".into()],
        word: "abc".into(),
    }
}

#[test]
fn derived_validators_use_pgv_messages() {
    assert!(valid().validate().is_ok());
    let bad = Request {
        code: String::new(),
        ..valid()
    };
    let v = bad.validate().unwrap_err();
    assert_eq!(
        v.to_string(),
        "invalid VerifyMyPhoneRequest.Code: value length must be between 1 and 200 runes, inclusive"
    );
    assert_eq!(v.0[0].rule, "string.min_len");
    assert_eq!(v.0[0].field, "code");
}

#[test]
fn validate_all_nests_embedded_messages_like_go() {
    let bad = Request {
        sequence: 0,
        phone: Some(String::new()),
        details: Some(Details::default()),
        tags: vec!["a".into(), "b".into(), "a".into()],
        word: "é".into(),
        ..valid()
    };
    let all = bad.validate_all().unwrap_err();
    let fields: Vec<&str> = all.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        ["sequence", "details.resource_owner", "tags[2]", "word"]
    );
    assert_eq!(
        all.to_string(),
        "invalid VerifyMyPhoneRequest.Sequence: value must be greater than 0; \
         invalid VerifyMyPhoneRequest.Details: embedded message failed validation | caused by: \
         invalid Details.ResourceOwner: value length must be at least 1 runes; \
         invalid VerifyMyPhoneRequest.Tags[2]: repeated value must contain unique items; \
         invalid VerifyMyPhoneRequest.Word: value does not match regex pattern \"^\\\\w+$\""
    );
    let missing = Request {
        details: None,
        ..valid()
    };
    assert_eq!(
        missing.validate().unwrap_err().0[0].message,
        "invalid VerifyMyPhoneRequest.Details: value is required"
    );
}

#[test]
fn bad_attributes_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
