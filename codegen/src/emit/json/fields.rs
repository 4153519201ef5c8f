//! One field as the JSON code names it: its Rust name, its shape (prost's Rust type) and the
//! JSON mapping of its values.

use prost_reflect::{FieldDescriptor, Kind};

use super::JSON;
use crate::model::Api;
use crate::names;

/// How prost holds a field.
pub enum Shape {
    /// `T`, without presence.
    Single,
    /// `Option<T>`.
    Optional,
    /// `Vec<T>`.
    Repeated,
    /// `HashMap<K, V>` or `BTreeMap<K, V>`.
    Map,
    /// A variant of the oneof enum in field `oneof`, `variant` its path.
    Member { oneof: String, variant: String },
}

impl Shape {
    /// The runtime's `Writer` and `Reader` method for the shape (members have their own).
    pub fn method(&self) -> &'static str {
        match self {
            Shape::Single => "single",
            Shape::Optional => "optional",
            Shape::Repeated => "repeated",
            Shape::Map => "map",
            Shape::Member { .. } => "member",
        }
    }
}

/// A field of a message, for its JSON code.
pub struct FieldCode {
    /// The position in the message's field table.
    pub index: usize,
    pub json_name: String,
    pub proto_name: String,
    /// prost's field name (`r#type`).
    pub rust_name: String,
    pub shape: Shape,
    /// The mapping marker (`::protogate::json::Plain`, `…::Enum<Color>`).
    pub codec: String,
    /// Whether prost marks the field `#[deprecated]`.
    pub deprecated: bool,
}

impl FieldCode {
    /// `field`, the `index`th of the message whose Rust path in `package` is `message_rust`.
    pub fn new(
        api: &Api,
        package: &str,
        message_rust: &str,
        index: usize,
        field: &FieldDescriptor,
    ) -> FieldCode {
        let proto = field.field_descriptor_proto();
        let value_kind = if field.is_map() {
            match field.kind() {
                Kind::Message(entry) => entry.map_entry_value_field().kind(),
                other => other,
            }
        } else {
            field.kind()
        };
        let codec = match value_kind {
            Kind::Enum(e) => format!("{JSON}::Enum<{}>", rust_type(api, package, e.full_name())),
            Kind::Bytes => format!("{JSON}::Base64"),
            _ => format!("{JSON}::Plain"),
        };
        let oneof = field.containing_oneof().filter(|o| !o.is_synthetic());
        let shape = if field.is_map() {
            Shape::Map
        } else if field.is_list() {
            Shape::Repeated
        } else if let Some(oneof) = oneof {
            // prost: `message_rust`'s module, the oneof's enum, the field's variant.
            let module = match message_rust.rsplit_once("::") {
                Some((parent, name)) => format!("{parent}::{}", names::snake(name)),
                None => names::snake(message_rust),
            };
            Shape::Member {
                oneof: names::snake(oneof.name()),
                variant: format!(
                    "{module}::{}::{}",
                    names::upper_camel(oneof.name()),
                    names::upper_camel(field.name())
                ),
            }
        } else if prost_optional(field) {
            Shape::Optional
        } else {
            Shape::Single
        };
        FieldCode {
            index,
            json_name: field.json_name().to_string(),
            proto_name: field.name().to_string(),
            rust_name: names::snake(field.name()),
            shape,
            codec,
            deprecated: proto.options.as_ref().and_then(|o| o.deprecated) == Some(true),
        }
    }
}

/// Whether prost-build holds the (non-repeated, non-oneof) field in an `Option`: proto3
/// `optional`, every message, and every optional field of a proto2 file.
fn prost_optional(field: &FieldDescriptor) -> bool {
    use prost_types::field_descriptor_proto::Label;
    let proto = field.field_descriptor_proto();
    if proto.proto3_optional() {
        return true;
    }
    if proto.label() != Label::Optional {
        return false;
    }
    let proto2 = matches!(
        field
            .parent_file()
            .file_descriptor_proto()
            .syntax
            .as_deref(),
        None | Some("proto2")
    );
    matches!(field.kind(), Kind::Message(_)) || proto2
}

/// A type's Rust path as seen from `package`'s module, without spaces.
fn rust_type(api: &Api, package: &str, full_name: &str) -> String {
    super::super::rust_type(api, package, full_name)
        .to_string()
        .replace(' ', "")
}
