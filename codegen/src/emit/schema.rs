//! `impl ::protogate::schema::Described` per message: the field table proto3 JSON names fields
//! by and REST uses to type path variables and query parameters, and to write unpopulated
//! fields. A constant, one line per field, through the runtime's `const fn`s (`field`, `of`,
//! `enumeration`), named through the file's [`PRELUDE`] alias.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_type;
use crate::model::{Api, Cardinality, FieldType, Message, Package};

/// The alias the tables name the runtime's items by, once at the top of a file that has any: a
/// proto identifier starts with a letter, so no generated name is `__pg`, while a message may
/// well be named `Kind` or `FieldInfo`.
pub const PRELUDE: &str = "use ::protogate::schema as __pg;\n";

/// The impl for one message.
pub fn generate(api: &Api, package: &Package, message: &Message) -> TokenStream {
    let ty = rust_type(api, &package.name, &message.full_name);
    let full_name = &message.full_name;
    let fields = message.fields.iter().map(|f| {
        let (name, json_name) = (&f.name, &f.json_name);
        let (value, key) = match &f.cardinality {
            Cardinality::Map(key, value) => (value, Some(kind(key))),
            _ => (&f.ty, None),
        };
        let mut field = match value {
            FieldType::Enum(e) if e != NULL_VALUE => {
                let enumeration = rust_type(api, &package.name, e);
                quote!(__pg::enumeration::<#enumeration>(#name, #json_name))
            }
            FieldType::Message(m) if !m.starts_with("google.protobuf.") => {
                let message = rust_type(api, &package.name, m);
                quote!(__pg::of::<#message>(#name, #json_name))
            }
            other => {
                let kind = kind(other);
                quote!(__pg::field(#name, #json_name, #kind))
            }
        };
        if let Some(key) = key {
            field = quote!(#field.map(#key));
        }
        if f.cardinality == Cardinality::Repeated {
            field = quote!(#field.repeated());
        }
        if f.oneof.is_some() || f.proto3_optional {
            field = quote!(#field.oneof());
        }
        field
    });
    quote! {
        impl __pg::Described for #ty {
            const INFO: __pg::Info = &__pg::message(#full_name, &[#(#fields),*]);
        }
    }
}

/// proto3 JSON writes this enum as `null`, as an unset message: a well-known type.
const NULL_VALUE: &str = "google.protobuf.NullValue";

/// The `Kind` of a scalar or well-known value type (messages and enums of the schema have
/// their own constructors).
fn kind(ty: &FieldType) -> TokenStream {
    match ty {
        FieldType::Bool => quote!(__pg::Kind::Bool),
        FieldType::String | FieldType::Bytes => quote!(__pg::Kind::Text),
        FieldType::Int32 | FieldType::Sint32 | FieldType::Sfixed32 => quote!(__pg::Kind::INT32),
        FieldType::Uint32 | FieldType::Fixed32 => quote!(__pg::Kind::UINT32),
        FieldType::Int64 | FieldType::Sint64 | FieldType::Sfixed64 => quote!(__pg::Kind::INT64),
        FieldType::Uint64 | FieldType::Fixed64 => quote!(__pg::Kind::UINT64),
        FieldType::Float => quote!(__pg::Kind::FLOAT),
        FieldType::Double => quote!(__pg::Kind::DOUBLE),
        FieldType::Enum(name) | FieldType::Message(name) => well_known(name),
    }
}

/// A well-known type's `Kind`: its constant where the runtime has one.
fn well_known(full_name: &str) -> TokenStream {
    let constant = match full_name.strip_prefix("google.protobuf.") {
        Some("Timestamp") => "TIMESTAMP",
        Some("Duration") => "DURATION",
        Some("FieldMask") => "FIELD_MASK",
        Some("Struct") => "STRUCT",
        Some("Value") => "VALUE",
        Some("ListValue") => "LIST_VALUE",
        Some("NullValue") => "NULL_VALUE",
        Some("Any") => "ANY",
        Some("Empty") => "EMPTY",
        Some("DoubleValue") => "DOUBLE_VALUE",
        Some("FloatValue") => "FLOAT_VALUE",
        Some("Int64Value") => "INT64_VALUE",
        Some("UInt64Value") => "UINT64_VALUE",
        Some("Int32Value") => "INT32_VALUE",
        Some("UInt32Value") => "UINT32_VALUE",
        Some("BoolValue") => "BOOL_VALUE",
        Some("StringValue") => "STRING_VALUE",
        Some("BytesValue") => "BYTES_VALUE",
        _ => return quote!(__pg::Kind::WellKnown(#full_name)),
    };
    let constant = proc_macro2::Ident::new(constant, proc_macro2::Span::call_site());
    quote!(__pg::Kind::#constant)
}
