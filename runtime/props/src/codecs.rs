//! Decoding and validating generated messages: no panic, and round trips that hold.

use bytes::Bytes;
use protogate::codec::{self, Input};
use protogate::Validate;
use verify_phone::api::zitadel::auth::v1::{
    GetMyPhoneResponse, SetMyPhoneRequest, VerifyMyPhoneRequest,
};

/// Proto3 JSON decoding of generated types: no panic; what decodes re-encodes to JSON that
/// decodes to the same message.
pub fn json_decode(data: &[u8]) {
    fn round_trip<M>(data: &[u8])
    where
        M: prost::Message + Default + serde::de::DeserializeOwned + serde::Serialize + PartialEq,
    {
        let Ok(message) = codec::decode::<M>(Input::JsonBytes(Bytes::copy_from_slice(data))) else {
            return;
        };
        let json = serde_json::to_vec(&message).expect("a decoded message encodes");
        let again: M = codec::decode(Input::JsonBytes(Bytes::from(json.clone())))
            .unwrap_or_else(|e| panic!("re-decoding {:?}: {e:?}", String::from_utf8_lossy(&json)));
        assert!(
            again == message,
            "JSON round trip changed {:?}",
            String::from_utf8_lossy(data)
        );
        // The protobuf form round-trips as well.
        let proto = message.encode_to_vec();
        assert!(M::decode(&proto[..]).expect("own encoding") == message);
    }
    round_trip::<VerifyMyPhoneRequest>(data);
    round_trip::<SetMyPhoneRequest>(data);
    round_trip::<GetMyPhoneResponse>(data);
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = codec::decode::<GetMyPhoneResponse>(Input::Json(value));
    }
}

/// Protobuf decoding of the same types: no panic.
pub fn proto_decode(data: &[u8]) {
    let input = || Input::Proto(Bytes::copy_from_slice(data));
    let _ = codec::decode::<VerifyMyPhoneRequest>(input());
    let _ = codec::decode::<SetMyPhoneRequest>(input());
    let _ = codec::decode::<GetMyPhoneResponse>(input());
}

/// The generated validators agree with PGV's rules written out by hand, and `validate` fails
/// exactly when `validate_all` does.
pub fn validators(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let runes = text.chars().count();
    let verify = VerifyMyPhoneRequest { code: text.clone() };
    let expected = (1..=200).contains(&runes);
    assert_eq!(verify.validate().is_ok(), expected, "code of {runes} runes");
    assert_eq!(verify.validate_all().is_ok(), expected);
    let set = SetMyPhoneRequest {
        phone: text.clone(),
    };
    let expected = (1..=50).contains(&runes) && text.starts_with('+');
    assert_eq!(set.validate().is_ok(), expected, "phone {text:?}");
    assert_eq!(set.validate_all().is_ok(), expected, "phone {text:?}");
    if let Err(all) = set.validate_all() {
        let first = set.validate().expect_err("validate fails too");
        assert!(all.0.len() >= first.0.len());
        assert_eq!(
            all.0[0], first.0[0],
            "the first violation comes first in both"
        );
    }
}
