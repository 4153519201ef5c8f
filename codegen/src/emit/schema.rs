//! `impl ::protogate::schema::Described` per message: the field table REST uses to type path
//! variables and query parameters, and to write unpopulated fields.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_type;
use crate::model::{Api, Cardinality, FieldType, Message, Package};

/// The impl for one message.
pub fn generate(api: &Api, package: &Package, message: &Message) -> TokenStream {
    let ty = rust_type(api, &package.name, &message.full_name);
    let full_name = &message.full_name;
    let fields = message.fields.iter().map(|f| {
        let name = &f.name;
        let json_name = &f.json_name;
        let (kind, map_key) = match &f.cardinality {
            Cardinality::Map(key, value) => {
                let key = kind(api, package, key);
                (kind(api, package, value), quote!(::core::option::Option::Some(#key)))
            }
            _ => (kind(api, package, &f.ty), quote!(::core::option::Option::None)),
        };
        let repeated = f.cardinality == Cardinality::Repeated;
        let oneof = f.oneof.is_some() || f.proto3_optional;
        quote! {
            ::protogate::schema::FieldInfo { name: #name, json_name: #json_name, kind: #kind, repeated: #repeated, map_key: #map_key, oneof: #oneof }
        }
    });
    quote! {
        impl ::protogate::schema::Described for #ty {
            fn info() -> &'static ::protogate::schema::MessageInfo {
                static INFO: ::protogate::schema::MessageInfo = ::protogate::schema::MessageInfo {
                    full_name: #full_name,
                    fields: &[#(#fields),*],
                };
                &INFO
            }
        }
    }
}

/// The `::protogate::schema::Kind` of one value type.
fn kind(api: &Api, package: &Package, ty: &FieldType) -> TokenStream {
    let number =
        |n: TokenStream| quote!(::protogate::schema::Kind::Number(::protogate::schema::Number::#n));
    match ty {
        FieldType::Bool => quote!(::protogate::schema::Kind::Bool),
        FieldType::String | FieldType::Bytes => quote!(::protogate::schema::Kind::Text),
        FieldType::Int32 | FieldType::Sint32 | FieldType::Sfixed32 => number(quote!(Int32)),
        FieldType::Uint32 | FieldType::Fixed32 => number(quote!(UInt32)),
        FieldType::Int64 | FieldType::Sint64 | FieldType::Sfixed64 => number(quote!(Int64)),
        FieldType::Uint64 | FieldType::Fixed64 => number(quote!(UInt64)),
        FieldType::Float => number(quote!(Float)),
        FieldType::Double => number(quote!(Double)),
        // proto3 JSON writes NullValue as `null`, as an unset message.
        FieldType::Enum(e) if e == "google.protobuf.NullValue" => {
            quote!(::protogate::schema::Kind::WellKnown(#e))
        }
        FieldType::Enum(e) => {
            let names = api
                .enumeration(e)
                .map(|e| {
                    e.values
                        .iter()
                        .map(|(name, _)| name.as_str())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            quote!(::protogate::schema::Kind::Enum(&[#(#names),*]))
        }
        FieldType::Message(m) if m.starts_with("google.protobuf.") => {
            quote!(::protogate::schema::Kind::WellKnown(#m))
        }
        FieldType::Message(m) => {
            let inner = rust_type(api, &package.name, m);
            quote!(::protogate::schema::Kind::Message(<#inner as ::protogate::schema::Described>::info))
        }
    }
}
