//! proto3 JSON for generated messages, as protobuf's own parsers and printers read and write it.
//!
//! The generator emits per message a short dispatch ([`Message`]) from a field's position in
//! the message's field table (`schema::Described`, which names each field by its JSON and proto
//! names) to the field; the code here does the rest for every message alike:
//!
//! - a field is looked up by its JSON name or its proto name; naming one field twice (also once
//!   by each name) or two members of one oneof is refused; unknown fields are ignored;
//! - `null` leaves a field as it is, except for `google.protobuf.Value` (which reads it as
//!   `null_value`) and `google.protobuf.NullValue`;
//! - 64-bit integers are written as strings; integers are read from numbers and strings, also in
//!   fraction or exponent form when integral and in range; floats as numbers or `"NaN"`,
//!   `"Infinity"`, `"-Infinity"`; bytes as standard or URL-safe base64;
//! - enums are written by their first name for a number and read by any of their names
//!   (aliases included) or by number, also a number the enum does not name (open enums); an
//!   unknown name leaves the field as it is, as unknown fields are ignored;
//! - map keys are strings (also escaped ones), read into the key's type;
//! - well-known types follow their own mapping (Duration in its range, Value, Struct, the
//!   wrappers).

mod duration;
mod leaf;
mod message;
mod readers;
mod struct_value;
mod well_known;

pub use leaf::{Base64, Enum, Leaf, MapField, MapKey, Plain, ProtoEnum};
pub use message::{
    deserialize_enum, deserialize_message, serialize_enum, serialize_message, Message, Reader,
    Writer,
};
pub use readers::{BytesDeserialize, FloatJson, Floats, NumberDeserialize, OpenEnum, ProtoNumber};
#[doc(hidden)]
pub use serde as __serde;
pub use serde::de::MapAccess;
pub use serde::ser::SerializeMap;

/// `serde::Serialize` and `serde::Deserialize` for messages that implement [`Message`]; the
/// attributes before a type (`#[allow(deprecated)]`) go on both impls.
#[macro_export]
macro_rules! json_message {
    ($($(#[$attr:meta])* $message:ty),* $(,)?) => {$(
        $(#[$attr])*
        impl $crate::json::__serde::Serialize for $message {
            fn serialize<S: $crate::json::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::json::serialize_message(self, serializer)
            }
        }
        $(#[$attr])*
        impl<'de> $crate::json::__serde::Deserialize<'de> for $message {
            fn deserialize<D: $crate::json::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::json::deserialize_message(deserializer)
            }
        }
    )*};
}

/// `serde::Serialize` and `serde::Deserialize` for prost enums that implement [`ProtoEnum`]:
/// by name, and read from any name or a number the enum has.
#[macro_export]
macro_rules! json_enum {
    ($($(#[$attr:meta])* $enumeration:ty),* $(,)?) => {$(
        $(#[$attr])*
        impl $crate::json::__serde::Serialize for $enumeration {
            fn serialize<S: $crate::json::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::json::serialize_enum::<Self, S>(*self as i32, serializer)
            }
        }
        $(#[$attr])*
        impl<'de> $crate::json::__serde::Deserialize<'de> for $enumeration {
            fn deserialize<D: $crate::json::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let number = $crate::json::deserialize_enum::<Self, D>(deserializer)?;
                Self::try_from(number).map_err(|_| {
                    <D::Error as $crate::json::__serde::de::Error>::custom(format_args!(
                        "{number} is not a value of the enum"
                    ))
                })
            }
        }
    )*};
}

#[cfg(test)]
mod tests;
