//! protovalidate's `cel` rules on the elements of a field — `repeated.items.cel`,
//! `map.keys.cel`, `map.values.cel` — where `this` is each list item, map key or map value:
//! compiled like a field's own rules and run inside the validator's loop over the elements.

use proc_macro2::TokenStream;
use protogate_cel::Type;
use quote::quote;

use super::cel::{checks, element_type, scalar, Place};
use crate::model::{Api, Cardinality, CelRule, Field, FieldType, Message};

/// What `this` is for a rule on the elements of `field` (`element` is `items`, `keys` or
/// `values`): the item, key or value bound to `value` (a reference) where the rule runs.
pub(super) fn element_this(field: &Field, element: &str) -> Option<(Type, TokenStream)> {
    let ty = match (&field.cardinality, element) {
        (Cardinality::Repeated, "items") => &field.ty,
        (Cardinality::Map(key, _), "keys") => key,
        (Cardinality::Map(_, value), "values") => value,
        _ => return None,
    };
    let read = match ty {
        FieldType::String => quote!(value.as_str()),
        FieldType::Bytes => quote!(&value[..]),
        FieldType::Message(m) => match m.as_str() {
            "google.protobuf.Timestamp" => quote!(::protogate::cel::Timestamp::from(value)),
            "google.protobuf.Duration" => quote!(::protogate::cel::Duration::from(value)),
            _ => quote!(value),
        },
        other => match scalar(other)?.1 {
            Some(widen) => quote!(#widen(*value)),
            None => quote!(*value),
        },
    };
    Some((element_type(ty)?, read))
}

/// The `cel` rules on the elements of `field` (`items`, `keys` or `values`), run inside the
/// validator's loop over them with the item (`index`) or entry (`key`) bound; the rule path is
/// `repeated.items.cel[i]`, `map.keys.cel[i]` or `map.values.cel[i]`.
pub(super) fn element_checks(
    api: &Api,
    message: &Message,
    field: &Field,
    element: &str,
) -> Vec<TokenStream> {
    let rules: Vec<&CelRule> = field
        .cel
        .iter()
        .filter(|r| r.element.as_deref() == Some(element))
        .collect();
    if rules.is_empty() {
        return Vec::new();
    }
    let Some(this) = element_this(field, element) else {
        return Vec::new();
    };
    let step = |name: &str, number: i32| quote!(::protogate::field_path::RuleStep::field(#name, #number, 11));
    let (at, prefix) = match element {
        "items" => (
            quote!(::protogate::validate::At::Item(index)),
            vec![step("repeated", 18), step("items", 4)],
        ),
        "keys" => (
            quote!(::protogate::validate::At::Key(key.into())),
            vec![step("map", 19), step("keys", 4)],
        ),
        _ => (
            quote!(::protogate::validate::At::Value(key.into())),
            vec![step("map", 19), step("values", 5)],
        ),
    };
    let place = Place {
        site: super::site::field_site(field),
        at,
        prefix,
    };
    checks(api, &message.package, rules, this, Some(&place))
}
