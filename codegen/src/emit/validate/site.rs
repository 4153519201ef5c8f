//! The static field data of protovalidate's structured violation paths: each validated
//! field's number, name and descriptor types, written into the generated code as a
//! `protogate::field_path::FieldSite` constant so a violation costs no lookup.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Cardinality, Field, FieldType};

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

/// `&FieldSite { … }` for `field` (a constant expression, promoted to `'static`).
pub(super) fn field_site(field: &Field) -> TokenStream {
    let name = &field.name;
    let number = field.number as i32;
    let (ty, key_ty, value_ty) = match &field.cardinality {
        Cardinality::Map(key, value) => (11, descriptor_type(key), descriptor_type(value)),
        _ if field.group => (10, 0, 0),
        _ => (descriptor_type(&field.ty), 0, 0),
    };
    quote!(&::protogate::field_path::FieldSite {
        name: #name,
        number: #number,
        ty: #ty,
        key_ty: #key_ty,
        value_ty: #value_ty,
    })
}

/// The `FieldSite` of a oneof (for its `required`): a name without number or type.
pub(super) fn oneof_site(name: &str) -> TokenStream {
    quote!(&::protogate::field_path::FieldSite {
        name: #name,
        number: 0,
        ty: 0,
        key_ty: 0,
        value_ty: 0,
    })
}
