//! The Rust forms of CEL values: reading a stored element as a CEL value, presence tests, map
//! look-ups.

use proc_macro2::TokenStream;
use quote::quote;

use super::{atom, receiver, rt, Value};
use crate::types::Type;

/// The CEL value of a list or map element, given `element`: an expression of type `&E`, `E` a
/// stored form (`i32` for `int`, `String` for `string`, …) or, in lists the emitted code
/// `built`, a CEL value itself.
pub(crate) fn normalize(ty: &Type, element: &TokenStream, built: bool) -> TokenStream {
    let rt = rt();
    let e = atom(element);
    match (ty, built) {
        (Type::String | Type::Bytes, _) => quote!(&**#e),
        (Type::List(_), _) => quote!(&#e[..]),
        (
            Type::Int | Type::Uint | Type::Double | Type::Bool | Type::Timestamp | Type::Duration,
            true,
        )
        | (Type::Message(_) | Type::Map(..), true) => quote!(*#e),
        (Type::Int, false) => quote!(#rt::int(*#e)),
        (Type::Uint, false) => quote!(#rt::uint(*#e)),
        (Type::Double, false) => quote!(#rt::double(*#e)),
        (Type::Timestamp, false) => quote!(#rt::Timestamp::from(#e)),
        (Type::Duration, false) => quote!(#rt::Duration::from(#e)),
        (Type::Message(_) | Type::Map(..), false) => e,
        (Type::Bool | Type::Wrapper(_) | Type::Null | Type::Dyn | Type::Type, _) => quote!(*#e),
    }
}

/// `value` as an element of a list or map literal.
pub(crate) fn owned_element(ty: &Type, value: &Value) -> TokenStream {
    let t = &value.tokens;
    match ty {
        Type::String | Type::Bytes if value.owned => {
            let target = if *ty == Type::Bytes {
                quote!([u8])
            } else {
                quote!(str)
            };
            quote!(::core::convert::AsRef::<#target>::as_ref(&#t))
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
    let value = &receiver(value);
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
        false,
    );
    quote!(#rt::MapValue::entries(#m).find(|&(k, _)| #k == #key).map(|(_, v)| v))
}

/// `list.iter()` yielding CEL values: `copied()` or the plain iterator where the values are the
/// elements, else a `map` through [`normalize`].
pub(crate) fn elements(list: &TokenStream, item: &TokenStream) -> TokenStream {
    match item.to_string().as_str() {
        "e" => quote!(#list.iter()),
        "* e" => quote!(#list.iter().copied()),
        _ => quote!(#list.iter().map(|e| #item)),
    }
}
