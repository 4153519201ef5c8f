//! The Rust forms of CEL values: reading a stored element as a CEL value, presence tests, map
//! look-ups.

use proc_macro2::TokenStream;
use quote::quote;

use super::{atom, rt, Value};
use crate::types::Type;

/// The CEL value of a stored element, given `element`: an expression of type `&E` wrapped in
/// `deref` further references.
pub(crate) fn normalize(ty: &Type, element: &TokenStream, deref: usize) -> TokenStream {
    let rt = rt();
    let e = if deref == 0 {
        atom(element)
    } else {
        let stars = (0..deref).map(|_| quote!(*));
        quote!((#(#stars)* #element))
    };
    match ty {
        Type::Int => quote!(i64::from(*#e)),
        Type::Uint => quote!(u64::from(*#e)),
        Type::Double => quote!(f64::from(*#e)),
        Type::String | Type::Bytes => quote!(&**#e),
        Type::Timestamp => quote!(#rt::Timestamp::from(#e)),
        Type::Duration => quote!(#rt::Duration::from(#e)),
        Type::List(_) => quote!(&#e[..]),
        Type::Message(_) | Type::Map(..) => e,
        Type::Bool | Type::Wrapper(_) | Type::Null | Type::Dyn | Type::Type => quote!(*#e),
    }
}

/// How deep the elements of a list built from values of type `ty` are referenced, relative to
/// the stored forms [`normalize`] reads (messages are held as `&Message`).
pub(crate) fn built_deref(ty: &Type) -> usize {
    usize::from(matches!(ty, Type::Message(_) | Type::Map(..)))
}

/// `value` as an element of a list or map literal.
pub(crate) fn owned_element(ty: &Type, value: &Value) -> TokenStream {
    let t = &value.tokens;
    match ty {
        Type::String | Type::Bytes if !t.to_string().starts_with(['"', '&']) => {
            let t = atom(t);
            quote!(&*#t)
        }
        Type::List(_) => {
            let t = atom(t);
            quote!(&#t[..])
        }
        _ => t.clone(),
    }
}

/// The `has()` test of a field without explicit presence: not the default value.
pub(crate) fn is_set(ty: &Type, value: &TokenStream) -> TokenStream {
    let rt = rt();
    let value = &atom(value);
    match ty {
        Type::String | Type::Bytes | Type::List(_) => quote!(!#value.is_empty()),
        Type::Map(..) => quote!(!#rt::MapValue::is_empty(#value)),
        Type::Int | Type::Uint => quote!(#value != 0),
        Type::Double => quote!(#value != 0.0),
        Type::Bool => value.clone(),
        Type::Wrapper(_) => quote!(#value.is_some()),
        Type::Timestamp => quote!(#value != #rt::Timestamp::default()),
        Type::Duration => quote!(#value != #rt::Duration::default()),
        Type::Message(_) | Type::Null | Type::Dyn | Type::Type => quote!(true),
    }
}

/// `Option<&V>`: the entry of map `map` whose key equals `key` (of type `key_ty`).
pub(crate) fn map_find(map: &Value, key: &TokenStream, key_ty: &Type) -> TokenStream {
    let rt = rt();
    let m = &map.tokens;
    let Type::Map(stored_key, _) = &map.ty else {
        return quote!(::core::option::Option::None);
    };
    let k = normalize(
        if **stored_key == Type::Dyn {
            key_ty
        } else {
            stored_key
        },
        &quote!(k),
        0,
    );
    quote!(#rt::MapValue::entries(#m).find(|&(k, _)| #k == #key).map(|(_, v)| v))
}
