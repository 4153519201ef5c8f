//! `google.protobuf.Any` with the canonical proto3 JSON form.
//!
//! proto3 JSON writes an `Any` as the JSON of the message it holds plus an `"@type"` member
//! (`{"@type": "type.googleapis.com/pkg.Msg", "field": 1}`), or, for a well-known type with a
//! special JSON form, as `{"@type": …, "value": <that form>}`. pbjson-types writes
//! `{"typeUrl": …, "value": "<base64>"}`, which no other implementation reads. Converting
//! between the two needs the held message's schema: the types are looked up by name in a
//! process-wide registry, filled by [`register_descriptors`] with the `FILE_DESCRIPTOR_SET`
//! every generated package with a service carries (the well-known types are always there).
//! A type that is not registered cannot be written or read as JSON, as in every other
//! proto3 JSON implementation.

use std::sync::{OnceLock, RwLock};

use bytes::Bytes;
use prost_reflect::{DescriptorPool, DeserializeOptions, DynamicMessage, SerializeOptions, Value};

/// `google.protobuf.Any`: a message of any type, as its type URL and protobuf bytes.
/// Wire-compatible with every other implementation.
#[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
pub struct Any {
    /// `type.googleapis.com/<full message name>`.
    #[prost(string, tag = "1")]
    pub type_url: String,
    /// The protobuf encoding of the message.
    #[prost(bytes = "bytes", tag = "2")]
    pub value: Bytes,
}

impl prost::Name for Any {
    const NAME: &'static str = "Any";
    const PACKAGE: &'static str = "google.protobuf";
}

impl Any {
    /// Packs `message` with the type URL `type.googleapis.com/<full name>`.
    pub fn pack<M: prost::Name>(message: &M) -> Any {
        Any {
            type_url: format!("type.googleapis.com/{}", M::full_name()),
            value: Bytes::from(message.encode_to_vec()),
        }
    }

    /// Unpacks the held message as `M`: `None` when the type URL names another type (or is
    /// not a type URL), an error when the bytes do not decode.
    pub fn unpack<M: prost::Name + Default>(&self) -> Result<Option<M>, prost::DecodeError> {
        if message_name(&self.type_url) != Some(M::full_name().as_str()) {
            return Ok(None);
        }
        M::decode(self.value.clone()).map(Some)
    }
}

/// The message name of a type URL: everything after the last `/`.
fn message_name(type_url: &str) -> Option<&str> {
    type_url
        .rsplit_once('/')
        .map(|(_, name)| name)
        .filter(|n| !n.is_empty())
}

/// Why descriptors could not be registered.
#[derive(Debug, thiserror::Error)]
#[error("cannot register the descriptors for google.protobuf.Any's JSON: {0}")]
pub struct RegisterError(String);

fn registry() -> &'static RwLock<DescriptorPool> {
    static POOL: OnceLock<RwLock<DescriptorPool>> = OnceLock::new();
    // prost-reflect's global pool starts with the well-known types.
    POOL.get_or_init(|| RwLock::new(DescriptorPool::global()))
}

/// Makes the message types of an encoded `FileDescriptorSet` (a generated package's
/// `FILE_DESCRIPTOR_SET`) readable and writable as the content of an [`Any`] in JSON. Files
/// already registered under the same name are skipped, so registering twice is harmless.
pub fn register_descriptors(file_descriptor_set: &[u8]) -> Result<(), RegisterError> {
    let mut pool = registry()
        .write()
        .map_err(|_| RegisterError("the registry lock is poisoned".into()))?;
    // Added to a copy, so a failure leaves the registry as it was.
    let mut next = pool.clone();
    next.decode_file_descriptor_set(file_descriptor_set)
        .map_err(|e| RegisterError(e.to_string()))?;
    *pool = next;
    Ok(())
}

/// A snapshot of the registry (cheap: the pool is reference-counted).
fn pool() -> Result<DescriptorPool, String> {
    registry()
        .read()
        .map(|p| p.clone())
        .map_err(|_| "the google.protobuf.Any type registry lock is poisoned".to_string())
}

fn any_descriptor(pool: &DescriptorPool) -> Result<prost_reflect::MessageDescriptor, String> {
    pool.get_message_by_name("google.protobuf.Any")
        .ok_or_else(|| "google.protobuf.Any is not in the type registry".to_string())
}

/// The JSON error for a type the registry does not know.
fn unknown_type(type_url: &str) -> String {
    format!(
        "google.protobuf.Any holds `{type_url}`, a type that is not registered \
         (protogate::wkt::register_descriptors)"
    )
}

impl serde::Serialize for Any {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap as _};
        // An empty Any is `{}`, as protobuf-go and protobuf-java write it.
        if self.type_url.is_empty() && self.value.is_empty() {
            return serializer.serialize_map(Some(0))?.end();
        }
        // protobuf's own printers give Empty no special form: its JSON is its (empty) fields
        // beside `"@type"`, and their parsers refuse a `"value"` member for it.
        if message_name(&self.type_url) == Some("google.protobuf.Empty") {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry("@type", &self.type_url)?;
            return map.end();
        }
        let pool = pool().map_err(S::Error::custom)?;
        let known = message_name(&self.type_url)
            .and_then(|name| pool.get_message_by_name(name))
            .is_some();
        if !known {
            return Err(S::Error::custom(unknown_type(&self.type_url)));
        }
        let mut message = DynamicMessage::new(any_descriptor(&pool).map_err(S::Error::custom)?);
        message.set_field_by_name("type_url", Value::String(self.type_url.clone()));
        message.set_field_by_name("value", Value::Bytes(self.value.clone()));
        message.serialize_with_options(serializer, &SerializeOptions::new())
    }
}

impl<'de> serde::Deserialize<'de> for Any {
    // An empty object is the empty Any, as protobuf-go reads it.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Any, D::Error> {
        use serde::de::Error as _;
        // Held whole: `"@type"` may come after the fields it describes.
        let mut object = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        if object.is_empty() {
            return Ok(Any::default());
        }
        // `google.protobuf.Empty` is written `{"@type": …}` (see `serialize`); prost-reflect
        // reads it only as `{"@type": …, "value": {}}`, which is read too.
        let holds_empty = object
            .get("@type")
            .and_then(serde_json::Value::as_str)
            .and_then(message_name)
            == Some("google.protobuf.Empty");
        if holds_empty && !object.contains_key("value") {
            object.insert(
                "value".to_string(),
                serde_json::Value::Object(Default::default()),
            );
        }
        let pool = pool().map_err(D::Error::custom)?;
        let descriptor = any_descriptor(&pool).map_err(D::Error::custom)?;
        // Unknown fields inside the held message are ignored, as for every other message.
        let options = DeserializeOptions::new().deny_unknown_fields(false);
        let message = DynamicMessage::deserialize_with_options(
            descriptor,
            serde_json::Value::Object(object),
            &options,
        )
        .map_err(|e| D::Error::custom(format!("google.protobuf.Any: {e}")))?;
        let type_url = match message.get_field_by_name("type_url").as_deref() {
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        let value = match message.get_field_by_name("value").as_deref() {
            Some(Value::Bytes(b)) => b.clone(),
            _ => Bytes::new(),
        };
        Ok(Any { type_url, value })
    }
}

impl From<prost_types::Any> for Any {
    fn from(a: prost_types::Any) -> Any {
        Any {
            type_url: a.type_url,
            value: Bytes::from(a.value),
        }
    }
}

impl From<Any> for prost_types::Any {
    fn from(a: Any) -> prost_types::Any {
        prost_types::Any {
            type_url: a.type_url,
            value: a.value.to_vec(),
        }
    }
}

impl From<pbjson_types::Any> for Any {
    fn from(a: pbjson_types::Any) -> Any {
        Any {
            type_url: a.type_url,
            value: a.value,
        }
    }
}

impl From<Any> for pbjson_types::Any {
    fn from(a: Any) -> pbjson_types::Any {
        pbjson_types::Any {
            type_url: a.type_url,
            value: a.value,
        }
    }
}

#[cfg(test)]
#[path = "any_tests.rs"]
mod tests;
