//! The static field data of protovalidate's structured violation paths: each validated
//! field's number, name and descriptor types, written once per validator as a
//! `protogate::field_path::FieldSite` constant (`FIELD_<NAME>`, `ONEOF_<NAME>`) that the checks
//! refer to, so a violation costs no lookup.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{format_ident, quote};

use crate::model::{Cardinality, Field, FieldType, Message};

/// `FieldDescriptorProto.Type` of a field type.
fn descriptor_type(ty: &FieldType) -> i32 {
    match ty {
        FieldType::Double => 1,
        FieldType::Float => 2,
        FieldType::Int64 => 3,
        FieldType::Uint64 => 4,
        FieldType::Int32 => 5,
        FieldType::Fixed64 => 6,
        FieldType::Fixed32 => 7,
        FieldType::Bool => 8,
        FieldType::String => 9,
        FieldType::Message(_) => 11,
        FieldType::Bytes => 12,
        FieldType::Uint32 => 13,
        FieldType::Enum(_) => 14,
        FieldType::Sfixed32 => 15,
        FieldType::Sfixed64 => 16,
        FieldType::Sint32 => 17,
        FieldType::Sint64 => 18,
    }
}

/// The constant naming a field's site.
fn field_const(field: &Field) -> Ident {
    format_ident!("FIELD_{}", field.name.to_uppercase())
}

/// The constant naming a oneof's site.
fn oneof_const(oneof: &str) -> Ident {
    format_ident!("ONEOF_{}", oneof.to_uppercase())
}

/// `&FIELD_<NAME>`, the site of `field` in its checks.
pub(super) fn field_site(field: &Field) -> TokenStream {
    let name = field_const(field);
    quote!(&#name)
}

/// `&ONEOF_<NAME>`, the site of a oneof in its `required` check.
pub(super) fn oneof_site(oneof: &str) -> TokenStream {
    let name = oneof_const(oneof);
    quote!(&#name)
}

/// Adds every identifier in `tokens`, nested groups included, to `out`.
fn identifiers(tokens: &TokenStream, out: &mut std::collections::HashSet<String>) {
    for token in tokens.clone() {
        match token {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => identifiers(&g.stream(), out),
            _ => {}
        }
    }
}

/// The site constants `checks` refer to, in declaration order.
pub(super) fn site_consts(message: &Message, checks: &[TokenStream]) -> Vec<TokenStream> {
    // The identifiers the checks use, gathered once: a message's checks are walked once, not
    // once per field.
    let mut used = std::collections::HashSet::new();
    for check in checks {
        identifiers(check, &mut used);
    }
    let site = quote!(::protogate::field_path::FieldSite);
    let mut out = Vec::new();
    let lit = proc_macro2::Literal::i32_unsuffixed;
    for field in &message.fields {
        let name = field_const(field);
        if !used.contains(&name.to_string()) {
            continue;
        }
        let proto_name = &field.name;
        let number = lit(field.number as i32);
        let value = match &field.cardinality {
            Cardinality::Map(key, value) => {
                let (key, value) = (lit(descriptor_type(key)), lit(descriptor_type(value)));
                quote!(#site::map(#proto_name, #number, #key, #value))
            }
            _ => {
                let ty = lit(if field.group {
                    10
                } else {
                    descriptor_type(&field.ty)
                });
                quote!(#site::field(#proto_name, #number, #ty))
            }
        };
        out.push(quote! { const #name: #site = #value; });
    }
    for oneof in &message.oneofs {
        let name = oneof_const(&oneof.name);
        if used.contains(&name.to_string()) {
            let proto_name = &oneof.name;
            out.push(quote! { const #name: #site = #site::oneof(#proto_name); });
        }
    }
    out
}
