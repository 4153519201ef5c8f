//! A static description of messages, generated per message: what REST needs to turn path
//! variables and query parameters (`a.b=1`, `a=1&a=2`, `flag=true`, `m[k]=v`) into proto3
//! JSON, and to write an answer's unpopulated fields.

/// The type of a field, as far as REST cares: how a query-string value is read, and what an
/// unpopulated field is written as.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A number of this type (proto3 JSON accepts them as strings too).
    Number(Number),
    /// `bool`.
    Bool,
    /// `string` or `bytes` (base64).
    Text,
    /// An enum, by name or by number, with its value names in declaration order (the first
    /// is the default).
    Enum(&'static [&'static str]),
    /// A message type of the schema.
    Message(fn() -> &'static MessageInfo),
    /// A well-known type, by full name (`google.protobuf.Timestamp`).
    WellKnown(&'static str),
}

/// A numeric scalar type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Number {
    /// `int32`, `sint32`, `sfixed32`.
    Int32,
    /// `uint32`, `fixed32`.
    UInt32,
    /// `int64`, `sint64`, `sfixed64` (a JSON string).
    Int64,
    /// `uint64`, `fixed64` (a JSON string).
    UInt64,
    /// `float`.
    Float,
    /// `double`.
    Double,
}

/// One field.
#[derive(Clone, Copy, Debug)]
pub struct FieldInfo {
    /// The proto name, e.g. `page_size`.
    pub name: &'static str,
    /// The JSON name, e.g. `pageSize`.
    pub json_name: &'static str,
    /// Its kind; for a map, the kind of its values.
    pub kind: Kind,
    /// `repeated`.
    pub repeated: bool,
    /// For `map<K, V>`, the kind of its keys (set from a query string as `field[key]=value`).
    pub map_key: Option<Kind>,
    /// A member of a oneof, proto3 `optional`'s included: such a field has presence and is
    /// never written when unset.
    pub oneof: bool,
}

/// A message.
#[derive(Clone, Copy, Debug)]
pub struct MessageInfo {
    /// Full name without the leading dot.
    pub full_name: &'static str,
    /// Fields in declaration order.
    pub fields: &'static [FieldInfo],
}

impl MessageInfo {
    /// The field named `name` (proto or JSON name).
    pub fn field(&self, name: &str) -> Option<&'static FieldInfo> {
        self.fields
            .iter()
            .find(|f| f.name == name || f.json_name == name)
    }
}

/// Implemented by every generated message.
pub trait Described {
    /// The message's description.
    fn info() -> &'static MessageInfo;
}

/// Well-known types used as whole requests or responses: JSON has their own forms, so they
/// expose no fields to the query string.
macro_rules! well_known {
    ($($ty:ty => $name:literal),* $(,)?) => {
        $(
            impl Described for $ty {
                fn info() -> &'static MessageInfo {
                    static INFO: MessageInfo = MessageInfo { full_name: $name, fields: &[] };
                    &INFO
                }
            }
        )*
    };
}

well_known!(
    pbjson_types::Empty => "google.protobuf.Empty",
    crate::wkt::Timestamp => "google.protobuf.Timestamp",
    crate::wkt::FieldMask => "google.protobuf.FieldMask",
    crate::wkt::Any => "google.protobuf.Any",
    pbjson_types::Duration => "google.protobuf.Duration",
    pbjson_types::FieldMask => "google.protobuf.FieldMask",
    pbjson_types::Struct => "google.protobuf.Struct",
    pbjson_types::Value => "google.protobuf.Value",
    pbjson_types::ListValue => "google.protobuf.ListValue",
    pbjson_types::Any => "google.protobuf.Any",
    pbjson_types::DoubleValue => "google.protobuf.DoubleValue",
    pbjson_types::FloatValue => "google.protobuf.FloatValue",
    pbjson_types::Int64Value => "google.protobuf.Int64Value",
    pbjson_types::UInt64Value => "google.protobuf.UInt64Value",
    pbjson_types::Int32Value => "google.protobuf.Int32Value",
    pbjson_types::UInt32Value => "google.protobuf.UInt32Value",
    pbjson_types::BoolValue => "google.protobuf.BoolValue",
    pbjson_types::StringValue => "google.protobuf.StringValue",
    pbjson_types::BytesValue => "google.protobuf.BytesValue",
);
