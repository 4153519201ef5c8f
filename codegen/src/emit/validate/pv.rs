//! Validators with protovalidate's (`buf.validate`) semantics: the oneof rules first, then every
//! field in declaration order; presence decides whether a field's rules run (`required`,
//! `ignore`); each family's rules in the order its rules message declares them; embedded
//! messages validated in place with their paths prefixed.

use proc_macro2::TokenStream;
use protogate_rules::emit::{unwrapped, Site};
use quote::quote;

use super::predefined;
use super::written::family as family_checks;
use super::{ident, mentions, wrapped_type, wrapper_family, Ctx, Gen};
use crate::model::{Cardinality, Dialect, Field, FieldType, PredefinedRule, Rule, RuleValue};
use crate::names;

/// `Ignore.IGNORE_IF_ZERO_VALUE`.
pub(super) const IGNORE_IF_ZERO: i64 = 1;
/// `Ignore.IGNORE_ALWAYS`.
pub(super) const IGNORE_ALWAYS: i64 = 3;

/// The runtime module of protovalidate's rules.
pub(super) fn rt() -> TokenStream {
    quote!(::protogate::rules::pv)
}

impl Gen<'_> {
    /// The checks of a message validated with protovalidate's semantics.
    pub(super) fn pv_message_checks(&self) -> Vec<TokenStream> {
        let m = self.message;
        let r = rt();
        // protovalidate's order: message-level CEL rules, message `oneof` rules, oneofs, then
        // the fields in declaration order.
        let mut out = super::cel::message_checks(self.api, m);
        for rule in &m.message_oneofs {
            let set: Vec<TokenStream> = rule
                .fields
                .iter()
                .filter_map(|name| m.field(name))
                .map(|f| self.is_set(f))
                .collect();
            let names = rule.fields.join(", ");
            let required = rule.required;
            out.push(quote! {
                v.check_pv_message(#r::message_oneof(&[#(#set),*], #names, #required));
            });
        }
        for oneof in m.oneofs.iter().filter(|o| o.required) {
            let name = ident(&names::snake(&oneof.name));
            let site = super::site::oneof_site(&oneof.name);
            out.push(quote! {
                v.check_pv_oneof(#r::oneof_required(&self.#name), #site);
            });
        }
        for field in &m.fields {
            out.extend(self.pv_field(field));
            out.extend(super::cel::field_checks(self.api, m, field));
        }
        out
    }

    /// Whether `field` is set, as protovalidate counts it: present, non-empty, or non-zero.
    fn is_set(&self, field: &Field) -> TokenStream {
        let name = ident(&names::snake(&field.name));
        if let Some(oneof) = &field.oneof {
            let enum_path = self.oneof_enum(oneof);
            let variant = ident(&names::upper_camel(&field.name));
            let member = ident(&names::snake(oneof));
            return quote!(
                ::core::matches!(&self.#member, ::core::option::Option::Some(#enum_path::#variant(_)))
            );
        }
        match (&field.cardinality, field.has_presence) {
            (Cardinality::Single, true) => quote!(self.#name.is_some()),
            (Cardinality::Single, false) => {
                let (_, nonzero) = is_zero(&field.ty);
                quote!({ let value = &self.#name; #nonzero })
            }
            _ => quote!(!self.#name.is_empty()),
        }
    }

    fn pv_ctx(&self, field: &Field) -> Ctx {
        Ctx {
            dialect: Dialect::Protovalidate,
            ..self.ctx(field)
        }
    }

    fn pv_field(&self, field: &Field) -> Option<TokenStream> {
        let rules = &field.rules;
        let mut ignore = ignore_of(rules);
        // A field named by a message-level `oneof` rule is ignored while unpopulated unless its
        // own `ignore` says otherwise.
        let in_message_oneof = self
            .message
            .message_oneofs
            .iter()
            .any(|o| o.fields.contains(&field.name));
        if ignore == 0 && in_message_oneof {
            ignore = IGNORE_IF_ZERO;
        }
        if ignore == IGNORE_ALWAYS {
            return None;
        }
        let required = rules
            .iter()
            .any(|r| r.name == "required" && r.value == RuleValue::Bool(true));
        let ctx = self.pv_ctx(field);
        let name = ident(&names::snake(&field.name));
        let r = rt();
        let required_failed = ctx.check(quote!(#r::required(false)), None);
        let own = predefined::at_element(field, None);
        if let Some(oneof) = &field.oneof {
            let body = self.pv_value(&ctx, &field.ty, rules, &own, &None);
            let pat = self.oneof_variant(oneof, field);
            let member = ident(&names::snake(oneof));
            return match (body, required) {
                (None, false) => None,
                (Some(body), false) => Some(quote! {
                    if let ::core::option::Option::Some(#pat) = &self.#member { #body }
                }),
                // `required` on a member: another member set, or none, fails it.
                (Some(body), true) => Some(quote! {
                    match &self.#member {
                        ::core::option::Option::Some(#pat) => { #body }
                        _ => { #required_failed }
                    }
                }),
                (None, true) => {
                    let set = self.is_set(field);
                    Some(quote! { if !#set { #required_failed } })
                }
            };
        }
        if field.required_label && field.cardinality == Cardinality::Single {
            // A proto2 `required` field is always present: its rules always run.
            let body = self.pv_value(&ctx, &field.ty, rules, &own, &None)?;
            return Some(super::bind(quote!(self.#name), body));
        }
        match &field.cardinality {
            Cardinality::Single if field.has_presence => {
                let body = self.pv_value(&ctx, &field.ty, rules, &own, &None);
                match (body, required) {
                    (None, false) => None,
                    (Some(body), false) => Some(quote! {
                        if let ::core::option::Option::Some(value) = &self.#name { #body }
                    }),
                    (None, true) => Some(quote! {
                        if self.#name.is_none() { #required_failed }
                    }),
                    (Some(body), true) => Some(quote! {
                        match &self.#name {
                            ::core::option::Option::Some(value) => { #body }
                            ::core::option::Option::None => { #required_failed }
                        }
                    }),
                }
            }
            Cardinality::Single => {
                let body = self.pv_value(&ctx, &field.ty, rules, &own, &None);
                let zero = is_zero(&field.ty);
                self.guard_zero(
                    body,
                    required,
                    ignore,
                    zero,
                    required_failed,
                    quote!(&self.#name),
                )
            }
            Cardinality::Repeated => {
                let body = self.pv_repeated(&ctx, field);
                self.guard_zero(
                    body,
                    required,
                    ignore,
                    empty(),
                    required_failed,
                    quote!(&self.#name),
                )
            }
            Cardinality::Map(key, value) => {
                let body = self.pv_map(&ctx, field, key, value);
                self.guard_zero(
                    body,
                    required,
                    ignore,
                    empty(),
                    required_failed,
                    quote!(&self.#name),
                )
            }
        }
    }

    /// A field without presence: `required` fails on the zero value, `IGNORE_IF_ZERO_VALUE`
    /// skips it; otherwise `body` runs on `value`.
    fn guard_zero(
        &self,
        body: Option<TokenStream>,
        required: bool,
        ignore: i64,
        (zero, nonzero): (TokenStream, TokenStream),
        required_failed: TokenStream,
        expr: TokenStream,
    ) -> Option<TokenStream> {
        let inner = match (body, required, ignore == IGNORE_IF_ZERO) {
            (None, false, _) => return None,
            (Some(body), false, false) => body,
            (Some(body), false, true) => quote!(if #nonzero { #body }),
            (None, true, _) => quote!(if #zero { #required_failed }),
            (Some(body), true, _) => quote!(if #zero { #required_failed } else { #body }),
        };
        Some(quote! { { let value = #expr; #inner } })
    }

    /// The pattern of a oneof member's variant, binding `value`.
    fn oneof_variant(&self, oneof: &str, field: &Field) -> TokenStream {
        let enum_path = self.oneof_enum(oneof);
        let variant = ident(&names::upper_camel(&field.name));
        quote!(#enum_path::#variant(value))
    }

    /// The rules of one value bound to `value` (a reference), and recursion into messages.
    fn pv_value(
        &self,
        ctx: &Ctx,
        ty: &FieldType,
        rules: &[Rule],
        predefined: &[&PredefinedRule],
        at: &Option<TokenStream>,
    ) -> Option<TokenStream> {
        let mut out = Vec::new();
        match ty {
            FieldType::Message(m) => {
                if let Some(family) = wrapper_family(m) {
                    let wrapped = wrapped_type(m);
                    let mut inner = family_checks(self, ctx, family, rules, &wrapped, at);
                    inner.extend(self.predefined_checks(ctx, &wrapped, predefined, at));
                    out.extend(unwrapped(inner));
                } else if let Some(family) = well_known_family(m) {
                    out.extend(family_checks(self, ctx, family, rules, ty, at));
                    out.extend(self.predefined_checks(ctx, ty, predefined, at));
                } else if self.is_validated_message(m) {
                    out.push(ctx.embedded(at.as_ref()));
                }
            }
            _ => {
                let family = scalar_family(ty, rules);
                out.extend(family_checks(self, ctx, &family, rules, ty, at));
                out.extend(self.predefined_checks(ctx, ty, predefined, at));
            }
        }
        (!out.is_empty()).then(|| quote!(#(#out)*))
    }

    fn pv_repeated(&self, ctx: &Ctx, field: &Field) -> Option<TokenStream> {
        let r = rt();
        let get = |n: &str| {
            field
                .rules
                .iter()
                .find(|x| x.family == "repeated" && x.name == n)
                .map(|x| &x.value)
        };
        let mut out = Vec::new();
        if let Some(n) = get("min_items").and_then(RuleValue::as_u64) {
            out.push(ctx.check(quote!(#r::min_items(value.len(), #n)), None));
        }
        if let Some(n) = get("max_items").and_then(RuleValue::as_u64) {
            out.push(ctx.check(quote!(#r::max_items(value.len(), #n)), None));
        }
        if get("unique") == Some(&RuleValue::Bool(true)) {
            out.push(ctx.check(quote!(#r::unique(value)), None));
        }
        out.extend(self.predefined_collection_checks(ctx, field));
        let items = match get("items") {
            Some(RuleValue::Rules(r)) => r.clone(),
            _ => Vec::new(),
        };
        let at = Some(quote!(::protogate::validate::At::Item(index)));
        let item_predefined = predefined::at_element(field, Some("items"));
        let cel = super::cel_elements::element_checks(self.api, self.message, field, "items");
        if let Some(body) = self.pv_element(ctx, &field.ty, &items, &item_predefined, &at, cel) {
            out.push(quote! {
                for (index, value) in value.iter().enumerate() { #body }
            });
        }
        (!out.is_empty()).then(|| quote!(#(#out)*))
    }

    fn pv_map(
        &self,
        ctx: &Ctx,
        field: &Field,
        key_ty: &FieldType,
        value_ty: &FieldType,
    ) -> Option<TokenStream> {
        let r = rt();
        let get = |n: &str| {
            field
                .rules
                .iter()
                .find(|x| x.family == "map" && x.name == n)
                .map(|x| &x.value)
        };
        let nested = |n: &str| match get(n) {
            Some(RuleValue::Rules(r)) => r.clone(),
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        if let Some(n) = get("min_pairs").and_then(RuleValue::as_u64) {
            out.push(ctx.check(quote!(#r::min_pairs(value.len(), #n)), None));
        }
        if let Some(n) = get("max_pairs").and_then(RuleValue::as_u64) {
            out.push(ctx.check(quote!(#r::max_pairs(value.len(), #n)), None));
        }
        out.extend(self.predefined_collection_checks(ctx, field));
        let key_at = Some(quote!(::protogate::validate::At::Key(key.into())));
        let value_at = Some(quote!(::protogate::validate::At::Value(key.into())));
        let key_predefined = predefined::at_element(field, Some("keys"));
        let value_predefined = predefined::at_element(field, Some("values"));
        let cel =
            |element| super::cel_elements::element_checks(self.api, self.message, field, element);
        let keys = self
            .pv_element(
                ctx,
                key_ty,
                &nested("keys"),
                &key_predefined,
                &key_at,
                cel("keys"),
            )
            .map(|body| quote! { { let value = key; #body } });
        let values = self.pv_element(
            ctx,
            value_ty,
            &nested("values"),
            &value_predefined,
            &value_at,
            cel("values"),
        );
        if keys.is_some() || values.is_some() {
            let values = values.map(|body| quote! { { let value = entry; #body } });
            let body = quote!(#keys #values);
            let entry = if mentions(&body, "entry") {
                quote!(entry)
            } else {
                quote!(_)
            };
            out.push(quote! {
                for (key, #entry) in value.iter() { #body }
            });
        }
        (!out.is_empty()).then(|| quote!(#(#out)*))
    }

    /// One list item or map key/value: its own `ignore`, then its rules and its `cel` checks.
    fn pv_element(
        &self,
        ctx: &Ctx,
        ty: &FieldType,
        rules: &[Rule],
        predefined: &[&PredefinedRule],
        at: &Option<TokenStream>,
        cel: Vec<TokenStream>,
    ) -> Option<TokenStream> {
        let ignore = ignore_of(rules);
        if ignore == IGNORE_ALWAYS {
            return None;
        }
        let checks: Vec<TokenStream> = self
            .pv_value(ctx, ty, rules, predefined, at)
            .into_iter()
            .chain(cel)
            .collect();
        if checks.is_empty() {
            return None;
        }
        let body = quote!(#(#checks)*);
        if ignore == IGNORE_IF_ZERO && !matches!(ty, FieldType::Message(_)) {
            let (_, nonzero) = is_zero(ty);
            return Some(quote!(if #nonzero { #body }));
        }
        Some(body)
    }
}

/// The `ignore` setting of a rule set (0 when unset).
pub(super) fn ignore_of(rules: &[Rule]) -> i64 {
    rules
        .iter()
        .find_map(|r| match (r.name.as_str(), &r.value) {
            ("ignore", RuleValue::Int(n)) => Some(*n),
            _ => None,
        })
        .unwrap_or(0)
}

/// Whether `value` (a reference) holds the zero value of `ty`, and the opposite test.
pub(super) fn is_zero(ty: &FieldType) -> (TokenStream, TokenStream) {
    match ty {
        FieldType::String | FieldType::Bytes => empty(),
        FieldType::Bool => (quote!(!*value), quote!(*value)),
        FieldType::Float | FieldType::Double => (quote!(*value == 0.0), quote!(*value != 0.0)),
        FieldType::Message(_) => (quote!(false), quote!(true)),
        _ => (quote!(*value == 0), quote!(*value != 0)),
    }
}

/// [`is_zero`] for strings, bytes and collections.
fn empty() -> (TokenStream, TokenStream) {
    (quote!(value.is_empty()), quote!(!value.is_empty()))
}

/// The rule family of a scalar type (the one its rules are written in).
fn scalar_family(ty: &FieldType, rules: &[Rule]) -> String {
    let own = match ty {
        FieldType::Enum(_) => "enum",
        other => other.proto_name(),
    };
    // A rule set names its family; fall back to the type's own.
    rules
        .iter()
        .map(|r| r.family.as_str())
        .find(|f| *f == own)
        .unwrap_or(own)
        .to_string()
}

/// The family of a well-known message type with its own rules.
fn well_known_family(full: &str) -> Option<&'static str> {
    Some(match full {
        "google.protobuf.Duration" => "duration",
        "google.protobuf.Timestamp" => "timestamp",
        "google.protobuf.Any" => "any",
        "google.protobuf.FieldMask" => "field_mask",
        _ => return None,
    })
}
