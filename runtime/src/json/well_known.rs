//! The well-known types as field values: the runtime's own (Timestamp, FieldMask, Any,
//! HttpBody) and pbjson-types' structs, in the JSON their mapping gives them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::leaf::{Base64, Leaf, Plain, ProtoEnum};

/// Types whose serde impls are their proto3 JSON.
macro_rules! through_serde {
    ($($ty:ty),*) => {$(
        impl Leaf<Plain> for $ty {
            fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.serialize(serializer)
            }
            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
                <$ty>::deserialize(deserializer).map(Some)
            }
        }
    )*};
}

through_serde!(
    crate::wkt::Timestamp,
    crate::wkt::FieldMask,
    crate::wkt::Any,
    crate::wkt::HttpBody,
    pbjson_types::Empty,
    pbjson_types::SourceContext,
    pbjson_types::Type,
    pbjson_types::Field,
    pbjson_types::Enum,
    pbjson_types::EnumValue,
    pbjson_types::Option,
    pbjson_types::Api,
    pbjson_types::Method,
    pbjson_types::Mixin
);

impl ProtoEnum for pbjson_types::NullValue {
    const VALUES: &'static [(&'static str, i32)] = &[("NULL_VALUE", 0)];
    const IS_NULL_VALUE: bool = true;
}

/// The wrappers are written and read as the value they wrap.
macro_rules! wrapper {
    ($($ty:ty => $inner:ty, $codec:ty);*) => {$(
        impl Leaf<Plain> for $ty {
            fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                Leaf::<$codec>::write(&self.value, serializer)
            }
            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Self>, D::Error> {
                let value = <$inner as Leaf<$codec>>::read(deserializer)?;
                Ok(value.map(|value| Self { value }))
            }
        }
    )*};
}

wrapper!(
    pbjson_types::DoubleValue => f64, Plain;
    pbjson_types::FloatValue => f32, Plain;
    pbjson_types::Int64Value => i64, Plain;
    pbjson_types::UInt64Value => u64, Plain;
    pbjson_types::Int32Value => i32, Plain;
    pbjson_types::UInt32Value => u32, Plain;
    pbjson_types::BoolValue => bool, Plain;
    pbjson_types::StringValue => String, Plain;
    pbjson_types::BytesValue => ::bytes::Bytes, Base64
);
