//! `impl ::protogate::schema::Described` per message: the field table REST uses to type path
//! variables and query parameters.

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
        let kind = match &f.ty {
            // A map's element type is its entry message; maps never come from a query string.
            _ if matches!(f.cardinality, Cardinality::Map(..)) => quote!(::protogate::schema::Kind::Text),
            FieldType::Bool => quote!(::protogate::schema::Kind::Bool),
            FieldType::String | FieldType::Bytes => quote!(::protogate::schema::Kind::Text),
            FieldType::Enum(_) => quote!(::protogate::schema::Kind::Enum),
            FieldType::Message(m) if m.starts_with("google.protobuf.") => quote!(::protogate::schema::Kind::WellKnown(#m)),
            FieldType::Message(m) => {
                let inner = rust_type(api, &package.name, m);
                quote!(::protogate::schema::Kind::Message(<#inner as ::protogate::schema::Described>::info))
            }
            _ => quote!(::protogate::schema::Kind::Number),
        };
        let repeated = f.cardinality == Cardinality::Repeated;
        let map = matches!(f.cardinality, Cardinality::Map(..));
        quote! {
            ::protogate::schema::FieldInfo { name: #name, json_name: #json_name, kind: #kind, repeated: #repeated, map: #map }
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
