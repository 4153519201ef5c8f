//! A static description of messages, generated per message: the field table proto3 JSON names
//! fields by (a field is its position in [`MessageInfo::fields`]), and what REST needs to turn
//! path variables and query parameters (`a.b=1`, `a=1&a=2`, `flag=true`, `m[k]=v`) into proto3
//! JSON, and to write an answer's unpopulated fields.

use crate::json::ProtoEnum;

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
    /// An enum, by name or by number, with `(name, number)` of its values in declaration
    /// order, aliases included (the first is the default): the enum's
    /// [`ProtoEnum::VALUES`](crate::json::ProtoEnum::VALUES).
    Enum(&'static [(&'static str, i32)]),
    /// A message type of the schema.
    Message(fn() -> &'static MessageInfo),
    /// A well-known type, by full name (`google.protobuf.Timestamp`).
    WellKnown(&'static str),
}

impl Kind {
    /// `int32`, `sint32`, `sfixed32`.
    pub const INT32: Kind = Kind::Number(Number::Int32);
    /// `uint32`, `fixed32`.
    pub const UINT32: Kind = Kind::Number(Number::UInt32);
    /// `int64`, `sint64`, `sfixed64`.
    pub const INT64: Kind = Kind::Number(Number::Int64);
    /// `uint64`, `fixed64`.
    pub const UINT64: Kind = Kind::Number(Number::UInt64);
    /// `float`.
    pub const FLOAT: Kind = Kind::Number(Number::Float);
    /// `double`.
    pub const DOUBLE: Kind = Kind::Number(Number::Double);

    /// `google.protobuf.Timestamp`.
    pub const TIMESTAMP: Kind = Kind::WellKnown("google.protobuf.Timestamp");
    /// `google.protobuf.Duration`.
    pub const DURATION: Kind = Kind::WellKnown("google.protobuf.Duration");
    /// `google.protobuf.FieldMask`.
    pub const FIELD_MASK: Kind = Kind::WellKnown("google.protobuf.FieldMask");
    /// `google.protobuf.Struct`.
    pub const STRUCT: Kind = Kind::WellKnown("google.protobuf.Struct");
    /// `google.protobuf.Value`.
    pub const VALUE: Kind = Kind::WellKnown("google.protobuf.Value");
    /// `google.protobuf.ListValue`.
    pub const LIST_VALUE: Kind = Kind::WellKnown("google.protobuf.ListValue");
    /// `google.protobuf.NullValue` (an enum, written as `null`).
    pub const NULL_VALUE: Kind = Kind::WellKnown("google.protobuf.NullValue");
    /// `google.protobuf.Any`.
    pub const ANY: Kind = Kind::WellKnown("google.protobuf.Any");
    /// `google.protobuf.Empty`.
    pub const EMPTY: Kind = Kind::WellKnown("google.protobuf.Empty");
    /// `google.protobuf.DoubleValue`.
    pub const DOUBLE_VALUE: Kind = Kind::WellKnown("google.protobuf.DoubleValue");
    /// `google.protobuf.FloatValue`.
    pub const FLOAT_VALUE: Kind = Kind::WellKnown("google.protobuf.FloatValue");
    /// `google.protobuf.Int64Value`.
    pub const INT64_VALUE: Kind = Kind::WellKnown("google.protobuf.Int64Value");
    /// `google.protobuf.UInt64Value`.
    pub const UINT64_VALUE: Kind = Kind::WellKnown("google.protobuf.UInt64Value");
    /// `google.protobuf.Int32Value`.
    pub const INT32_VALUE: Kind = Kind::WellKnown("google.protobuf.Int32Value");
    /// `google.protobuf.UInt32Value`.
    pub const UINT32_VALUE: Kind = Kind::WellKnown("google.protobuf.UInt32Value");
    /// `google.protobuf.BoolValue`.
    pub const BOOL_VALUE: Kind = Kind::WellKnown("google.protobuf.BoolValue");
    /// `google.protobuf.StringValue`.
    pub const STRING_VALUE: Kind = Kind::WellKnown("google.protobuf.StringValue");
    /// `google.protobuf.BytesValue`.
    pub const BYTES_VALUE: Kind = Kind::WellKnown("google.protobuf.BytesValue");
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

impl FieldInfo {
    /// A field of `kind` without a label: not repeated, not a map, not in a oneof. The
    /// generated tables start every field here and add what it is beyond that.
    pub const fn new(name: &'static str, json_name: &'static str, kind: Kind) -> FieldInfo {
        FieldInfo {
            name,
            json_name,
            kind,
            repeated: false,
            map_key: None,
            oneof: false,
        }
    }

    /// A field of the message type `T`.
    pub const fn message<T: Described>(name: &'static str, json_name: &'static str) -> FieldInfo {
        FieldInfo::new(name, json_name, Kind::Message(T::info))
    }

    /// A field of the enum `E`.
    pub const fn enumeration<E: ProtoEnum>(
        name: &'static str,
        json_name: &'static str,
    ) -> FieldInfo {
        FieldInfo::new(name, json_name, Kind::Enum(E::VALUES))
    }

    /// The field, `repeated`.
    pub const fn repeated(self) -> FieldInfo {
        FieldInfo {
            repeated: true,
            ..self
        }
    }

    /// The field, a map with keys of kind `key` (its own kind is that of the values).
    pub const fn map(self, key: Kind) -> FieldInfo {
        FieldInfo {
            map_key: Some(key),
            ..self
        }
    }

    /// The field, a member of a oneof (or proto3 `optional`): it has presence.
    pub const fn oneof(self) -> FieldInfo {
        FieldInfo {
            oneof: true,
            ..self
        }
    }
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

/// Implemented by every generated message: a constant, so a schema's tables are data the
/// compiler evaluates only where they are used, not one function body per message.
pub trait Described {
    /// The message's description.
    const INFO: &'static MessageInfo;

    /// [`Described::INFO`], as a function: a field names its message's table through it, so
    /// messages that reference each other (or themselves) need no cycle of constants.
    fn info() -> &'static MessageInfo {
        Self::INFO
    }
}

/// A boxed field's message is described as the message.
impl<T: Described> Described for Box<T> {
    const INFO: &'static MessageInfo = T::INFO;
}

/// What [`Described::INFO`] is, as the generated tables name it.
pub type Info = &'static MessageInfo;

/// A message's table: its full name (without the leading dot) and its fields in declaration
/// order. The generated tables are built from these `const fn`s, one short line a field.
pub const fn message(full_name: &'static str, fields: &'static [FieldInfo]) -> MessageInfo {
    MessageInfo { full_name, fields }
}

/// A field of `kind` without a label ([`FieldInfo::new`]).
pub const fn field(name: &'static str, json_name: &'static str, kind: Kind) -> FieldInfo {
    FieldInfo::new(name, json_name, kind)
}

/// A field of the message type `T` ([`FieldInfo::message`]).
pub const fn of<T: Described>(name: &'static str, json_name: &'static str) -> FieldInfo {
    FieldInfo::message::<T>(name, json_name)
}

/// A field of the enum `E` ([`FieldInfo::enumeration`]).
pub const fn enumeration<E: ProtoEnum>(name: &'static str, json_name: &'static str) -> FieldInfo {
    FieldInfo::enumeration::<E>(name, json_name)
}

/// Well-known types used as whole requests or responses: JSON has their own forms, so they
/// expose no fields to the query string.
macro_rules! well_known {
    ($($ty:ty => $name:literal),* $(,)?) => {
        $(
            impl Described for $ty {
                const INFO: &'static MessageInfo = &MessageInfo { full_name: $name, fields: &[] };
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

/// `prost::Name` for generated messages, as prost-build's `enable_type_names` writes it: the
/// message's own name, its package, its full name and its type URL in `type.googleapis.com`.
/// The generator lists a package's messages in one invocation instead of prost-build's ten
/// lines a message: `prost_name!("package", Type, Other = "Name", outer::Inner = "Outer" "Inner")`
/// — a bare type when the Rust name is the proto name, `= "Name"` when not, and
/// `= "Outer" "Name"` for a message nested in `Outer` (`"Outer.Middle"` two levels deep). The
/// package is `""` for files without one.
#[macro_export]
macro_rules! prost_name {
    ($package:tt, $($message:ty $(= $($name:literal)+)?),* $(,)?) => {
        $($crate::prost_name!(@one $message, $package, [$($($name)+)?]);)*
    };
    (@one $message:ty, "", []) => {
        $crate::prost_name!(@impl $message, "", [::core::stringify!($message)], [::core::stringify!($message)]);
    };
    (@one $message:ty, $package:tt, []) => {
        $crate::prost_name!(@impl $message, $package, [::core::stringify!($message)], [$package, ".", ::core::stringify!($message)]);
    };
    (@one $message:ty, "", [$name:literal]) => {
        $crate::prost_name!(@impl $message, "", [$name], [$name]);
    };
    (@one $message:ty, $package:tt, [$name:literal]) => {
        $crate::prost_name!(@impl $message, $package, [$name], [$package, ".", $name]);
    };
    (@one $message:ty, "", [$parents:literal $name:literal]) => {
        $crate::prost_name!(@impl $message, "", [$name], [$parents, ".", $name], nested);
    };
    (@one $message:ty, $package:tt, [$parents:literal $name:literal]) => {
        $crate::prost_name!(@impl $message, $package, [$name], [$package, ".", $parents, ".", $name], nested);
    };
    // A top-level message: prost's own `full_name` (`PACKAGE.NAME`, or `NAME`) is right.
    (@impl $message:ty, $package:tt, [$($name:tt)*], [$($full_name:tt)*]) => {
        impl ::prost::Name for $message {
            const NAME: &'static str = $($name)*;
            const PACKAGE: &'static str = $package;
            fn type_url() -> ::prost::alloc::string::String {
                ::core::concat!("type.googleapis.com/", $($full_name)*).into()
            }
        }
    };
    // A nested message: its full name has its parents between package and name.
    (@impl $message:ty, $package:tt, [$($name:tt)*], [$($full_name:tt)*], nested) => {
        impl ::prost::Name for $message {
            const NAME: &'static str = $($name)*;
            const PACKAGE: &'static str = $package;
            fn full_name() -> ::prost::alloc::string::String {
                ::core::concat!($($full_name)*).into()
            }
            fn type_url() -> ::prost::alloc::string::String {
                ::core::concat!("type.googleapis.com/", $($full_name)*).into()
            }
        }
    };
}
