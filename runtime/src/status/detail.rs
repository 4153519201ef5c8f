//! One typed detail of a [`super::Status`]: kept as the message it was made from and encoded
//! only in the form the answering protocol needs — protobuf for gRPC and Connect, proto3
//! JSON for REST and Connect's `debug` — once, when first asked for.

use std::fmt;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;

/// A message a detail can be made from.
trait DetailMessage: Send + Sync + fmt::Debug {
    fn encode(&self) -> Vec<u8>;
    fn to_json(&self) -> serde_json::Value;
    fn write_json(&self, out: &mut Vec<u8>);
}

impl<M> DetailMessage for M
where
    M: prost::Message + serde::Serialize + Send + Sync + fmt::Debug,
{
    fn encode(&self) -> Vec<u8> {
        self.encode_to_vec()
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        let at = out.len();
        if serde_json::to_writer(&mut *out, self).is_err() {
            out.truncate(at);
            out.extend_from_slice(b"null");
        }
    }
}

/// One typed detail of a status: its type URL and the message, in protobuf and proto3 JSON.
#[derive(Clone)]
pub struct Detail {
    /// `type.googleapis.com/<full message name>`.
    pub type_url: String,
    message: Option<Arc<dyn DetailMessage>>,
    value: OnceLock<Bytes>,
    json: OnceLock<serde_json::Value>,
}

impl Detail {
    /// A detail holding a copy of `message`.
    pub fn new<M>(message: &M) -> Detail
    where
        M: prost::Name + serde::Serialize + Clone + Send + Sync + fmt::Debug + 'static,
    {
        Detail::from_message(message.clone())
    }

    /// A detail holding `message`.
    pub fn from_message<M>(message: M) -> Detail
    where
        M: prost::Name + serde::Serialize + Send + Sync + fmt::Debug + 'static,
    {
        Detail {
            type_url: type_url::<M>(),
            message: Some(Arc::new(message)),
            value: OnceLock::new(),
            json: OnceLock::new(),
        }
    }

    /// A detail already packed as `google.protobuf.Any` (e.g. one relayed from another
    /// service). Its JSON, for REST, is read through the type registry of
    /// [`crate::wkt::register_descriptors`]; a type not registered has JSON `null`.
    pub fn from_any(any: crate::wkt::Any) -> Detail {
        let json = match serde_json::to_value(&any) {
            Ok(serde_json::Value::Object(mut fields)) => {
                fields.remove("@type");
                serde_json::Value::Object(fields)
            }
            _ => serde_json::Value::Null,
        };
        Detail {
            type_url: any.type_url,
            message: None,
            value: OnceLock::from(any.value),
            json: OnceLock::from(json),
        }
    }

    /// A detail known only by its type URL and protobuf bytes (JSON `null`).
    pub fn from_parts(type_url: String, value: Bytes) -> Detail {
        Detail {
            type_url,
            message: None,
            value: OnceLock::from(value),
            json: OnceLock::from(serde_json::Value::Null),
        }
    }

    /// The protobuf encoding of the message.
    pub fn value(&self) -> &Bytes {
        self.value.get_or_init(|| {
            self.message
                .as_ref()
                .map_or_else(Bytes::new, |m| Bytes::from(m.encode()))
        })
    }

    /// The proto3 JSON of the message, without `@type` (`null` when unknown).
    pub fn json(&self) -> &serde_json::Value {
        self.json.get_or_init(|| {
            self.message
                .as_ref()
                .map_or(serde_json::Value::Null, |m| m.to_json())
        })
    }

    /// The detail as `google.protobuf.Any`.
    pub fn to_any(&self) -> prost_types::Any {
        prost_types::Any {
            type_url: self.type_url.clone(),
            value: self.value().to_vec(),
        }
    }

    /// grpc-gateway's form: the JSON object with `@type` first (a value that is not an
    /// object, such as a well-known type's, under `value`; none when unknown).
    pub fn to_gateway_json(&self) -> serde_json::Value {
        let mut object = serde_json::Map::new();
        object.insert("@type".into(), self.type_url.clone().into());
        match self.json() {
            serde_json::Value::Object(fields) => object.extend(fields.clone()),
            serde_json::Value::Null => {}
            other => {
                object.insert("value".into(), other.clone());
            }
        }
        serde_json::Value::Object(object)
    }

    /// Writes [`Detail::to_gateway_json`]'s text straight from the message, with no JSON
    /// value in between.
    pub(crate) fn write_gateway_json(&self, out: &mut Vec<u8>) {
        let Some(message) = self.message.as_ref().filter(|_| self.json.get().is_none()) else {
            // Writing a value into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, &self.to_gateway_json());
            return;
        };
        out.extend_from_slice(b"{\"@type\":");
        let _ = serde_json::to_writer(&mut *out, &self.type_url);
        // The message is written in place after a comma, then joined to the object.
        out.push(b',');
        let at = out.len();
        message.write_json(out);
        match &out[at..] {
            b"{}" | b"null" => {
                out.truncate(at - 1);
                out.push(b'}');
            }
            // Its fields join ours; its `}` closes the object.
            [b'{', ..] => {
                out.remove(at);
            }
            _ => {
                let value = out.split_off(at);
                out.extend_from_slice(b"\"value\":");
                out.extend_from_slice(&value);
                out.push(b'}');
            }
        }
    }
}

/// `type.googleapis.com/<package>.<name>`, written in one allocation.
fn type_url<M: prost::Name>() -> String {
    const DOMAIN: &str = "type.googleapis.com/";
    let mut url = String::with_capacity(DOMAIN.len() + M::PACKAGE.len() + 1 + M::NAME.len());
    url.push_str(DOMAIN);
    if !M::PACKAGE.is_empty() {
        url.push_str(M::PACKAGE);
        url.push('.');
    }
    url.push_str(M::NAME);
    url
}

impl PartialEq for Detail {
    fn eq(&self, other: &Detail) -> bool {
        self.type_url == other.type_url && self.value() == other.value()
    }
}

impl fmt::Debug for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Detail")
            .field("type_url", &self.type_url)
            .field("json", self.json())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc;
    use prost::Message as _;

    fn bad_request() -> rpc::BadRequest {
        rpc::BadRequest {
            field_violations: vec![rpc::FieldViolation {
                field: "code".into(),
                description: "a \"quoted\" rule".into(),
            }],
        }
    }

    #[test]
    fn gateway_text_written_straight_matches_the_json_value() {
        for detail in [
            Detail::from_message(bad_request()),
            Detail::from_message(rpc::BadRequest::default()),
            Detail::from_any(crate::wkt::Any::pack(&crate::wkt::Timestamp {
                seconds: 1,
                nanos: 0,
            })),
            Detail::from_parts(
                "type.googleapis.com/x.Y".into(),
                Bytes::from_static(b"\x08\x01"),
            ),
        ] {
            let mut out = Vec::new();
            detail.write_gateway_json(&mut out);
            let written: serde_json::Value = serde_json::from_slice(&out)
                .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)));
            assert_eq!(
                written,
                detail.to_gateway_json(),
                "{}",
                String::from_utf8_lossy(&out)
            );
            assert!(out.starts_with(b"{\"@type\":"));
        }
    }

    #[test]
    fn encodings_are_made_once_from_the_message() {
        let detail = Detail::from_message(bad_request());
        assert_eq!(detail.type_url, "type.googleapis.com/google.rpc.BadRequest");
        assert_eq!(
            detail.json(),
            &serde_json::json!({"fieldViolations": [{"field": "code", "description": "a \"quoted\" rule"}]})
        );
        assert_eq!(
            rpc::BadRequest::decode(detail.value().clone()).unwrap(),
            bad_request()
        );
        assert_eq!(detail, Detail::new(&bad_request()));
    }
}
