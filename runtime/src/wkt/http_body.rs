//! `google.api.HttpBody`: an arbitrary HTTP body and its content type.
//!
//! Over REST a method that takes or returns it reads or writes raw bytes instead of JSON, as
//! grpc-gateway does: the request's body and `Content-Type` become [`HttpBody::data`] and
//! [`HttpBody::content_type`], and a returned one is written as the response body under its
//! content type. Over gRPC, gRPC-Web and Connect it is an ordinary message.

use base64::Engine as _;
use bytes::Bytes;

use super::Any;
use crate::schema::{Described, FieldInfo, Kind, MessageInfo};
use crate::validate::{Collector, Validate};

/// `google.api.HttpBody`, wire-compatible with every other implementation.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HttpBody {
    /// The body's content type, e.g. `image/png`; sent as the response's `Content-Type`.
    #[prost(string, tag = "1")]
    pub content_type: String,
    /// The body's bytes.
    #[prost(bytes = "bytes", tag = "2")]
    pub data: Bytes,
    /// Application-specific metadata; not sent over REST.
    #[prost(message, repeated, tag = "3")]
    pub extensions: Vec<Any>,
}

impl prost::Name for HttpBody {
    const NAME: &'static str = "HttpBody";
    const PACKAGE: &'static str = "google.api";
}

impl HttpBody {
    /// A body of `data` in `content_type`.
    pub fn new(content_type: impl Into<String>, data: impl Into<Bytes>) -> HttpBody {
        HttpBody {
            content_type: content_type.into(),
            data: data.into(),
            extensions: Vec::new(),
        }
    }
}

impl Validate for HttpBody {
    fn collect_violations(&self, _: &mut Collector) {}
}

impl Described for HttpBody {
    const INFO: &'static MessageInfo = &MessageInfo {
        full_name: "google.api.HttpBody",
        fields: &[
            FieldInfo {
                name: "content_type",
                json_name: "contentType",
                kind: Kind::Text,
                repeated: false,
                map_key: None,
                oneof: false,
            },
            FieldInfo {
                name: "data",
                json_name: "data",
                kind: Kind::Text,
                repeated: false,
                map_key: None,
                oneof: false,
            },
            FieldInfo {
                name: "extensions",
                json_name: "extensions",
                kind: Kind::WellKnown("google.protobuf.Any"),
                repeated: true,
                map_key: None,
                oneof: false,
            },
        ],
    };
}

/// The proto3 JSON form: `{"contentType": …, "data": "<base64>", "extensions": […]}`, fields
/// at their defaults left out.
impl serde::Serialize for HttpBody {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        if !self.content_type.is_empty() {
            map.serialize_entry("contentType", &self.content_type)?;
        }
        if !self.data.is_empty() {
            let data = base64::engine::general_purpose::STANDARD.encode(&self.data);
            map.serialize_entry("data", &data)?;
        }
        if !self.extensions.is_empty() {
            map.serialize_entry("extensions", &self.extensions)?;
        }
        map.end()
    }
}

/// The proto3 JSON form, fields by JSON or proto name; `data` in standard or URL-safe base64,
/// padded or not; unknown fields are ignored.
impl<'de> serde::Deserialize<'de> for HttpBody {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<HttpBody, D::Error> {
        #[derive(serde::Deserialize)]
        struct Json {
            #[serde(default, alias = "content_type")]
            #[serde(rename = "contentType")]
            content_type: Option<String>,
            #[serde(default)]
            data: Option<String>,
            #[serde(default)]
            extensions: Option<Vec<Any>>,
        }
        let json = Json::deserialize(deserializer)?;
        let data = match json.data {
            None => Bytes::new(),
            Some(text) => Bytes::from(decode_base64(&text).map_err(serde::de::Error::custom)?),
        };
        Ok(HttpBody {
            content_type: json.content_type.unwrap_or_default(),
            data,
            extensions: json.extensions.unwrap_or_default(),
        })
    }
}

/// proto3 JSON `bytes`: standard or URL-safe base64, with or without padding.
fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = text.trim_end_matches('=');
    STANDARD_NO_PAD
        .decode(trimmed)
        .or_else(|_| URL_SAFE_NO_PAD.decode(trimmed))
        .map_err(|e| format!("`data` is not base64: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message as _;

    #[test]
    fn json_round_trips_with_base64_data() {
        let body = HttpBody::new("image/png", &b"\x89PNG\xff"[..]);
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(json, r#"{"contentType":"image/png","data":"iVBOR/8="}"#);
        let back: HttpBody = serde_json::from_str(&json).unwrap();
        assert_eq!(back, body);
        let url_safe: HttpBody = serde_json::from_str(r#"{"data":"iVBOR_8"}"#).unwrap();
        assert_eq!(url_safe.data, body.data);
        assert_eq!(serde_json::to_string(&HttpBody::default()).unwrap(), "{}");
        assert!(serde_json::from_str::<HttpBody>(r#"{"data":"!!"}"#).is_err());
    }

    #[test]
    fn protobuf_matches_the_schema_numbers() {
        let bytes = HttpBody::new("a", &b"b"[..]).encode_to_vec();
        assert_eq!(bytes, b"\x0a\x01a\x12\x01b");
    }
}
