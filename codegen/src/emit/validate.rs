//! Validators: an `impl ::protogate::Validate` per message, calling the runtime's one
//! implementation of each rule in PGV's check order.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::rust_type;
use crate::model::{Api, Cardinality, Field, FieldType, Message, Package, Rule, RuleValue};
use crate::names;

/// Whether the generator emits code for this rule (the others are reported by the checker).
pub fn supported(rule: &Rule) -> bool {
    let name = rule.name.as_str();
    match rule.family.as_str() {
        "string" => matches!(
            name,
            "const"
                | "len"
                | "min_len"
                | "max_len"
                | "len_bytes"
                | "min_bytes"
                | "max_bytes"
                | "prefix"
                | "suffix"
                | "contains"
                | "not_contains"
                | "in"
                | "not_in"
                | "pattern"
                | "ignore_empty"
        ),
        f if is_number_family(f) => matches!(
            name,
            "const" | "lt" | "lte" | "gt" | "gte" | "in" | "not_in" | "ignore_empty"
        ),
        "bool" => name == "const",
        "enum" => matches!(name, "const" | "defined_only" | "in" | "not_in"),
        "message" => matches!(name, "required" | "skip"),
        "repeated" => matches!(name, "min_items" | "max_items" | "unique" | "ignore_empty"),
        _ => false,
    }
}

/// The numeric rule families.
pub fn is_number_family(family: &str) -> bool {
    matches!(
        family,
        "float"
            | "double"
            | "int32"
            | "int64"
            | "uint32"
            | "uint64"
            | "sint32"
            | "sint64"
            | "fixed32"
            | "fixed64"
            | "sfixed32"
            | "sfixed64"
    )
}

/// `impl Validate` for one message.
pub fn generate(api: &Api, package: &Package, message: &Message) -> TokenStream {
    let ty = rust_type(api, &package.name, &message.full_name);
    let mut checks = Vec::new();
    if !message.validation_disabled && !message.validation_ignored {
        for field in &message.fields {
            checks.extend(field_checks(api, package, message, field));
        }
    }
    if checks.is_empty() {
        return quote! {
            impl ::protogate::Validate for #ty {
                fn collect_violations(&self, _: &mut ::protogate::Collector) {}
            }
        };
    }
    quote! {
        impl ::protogate::Validate for #ty {
            fn collect_violations(&self, v: &mut ::protogate::Collector) {
                #(#checks)*
            }
        }
    }
}

/// How to reach a field's value: a plain field, an `Option`, or a oneof variant.
enum Access {
    Plain(TokenStream),
    Optional(TokenStream),
    Oneof {
        field: TokenStream,
        variant: TokenStream,
    },
}

fn access(message: &Message, field: &Field) -> Access {
    let name = syn_ident(&names::snake(&field.name));
    if let Some(oneof) = &field.oneof {
        let enum_path = format!(
            "{}::{}",
            message
                .rust_path
                .rsplit_once("::")
                .map(|(p, last)| format!("{p}::{}", names::snake(last)))
                .unwrap_or_else(|| names::snake(&message.rust_path)),
            names::upper_camel(oneof)
        );
        let enum_path: TokenStream = enum_path.parse().unwrap_or_default();
        let variant = syn_ident(&names::upper_camel(&field.name));
        let oneof_field = syn_ident(&names::snake(oneof));
        return Access::Oneof {
            field: quote!(self.#oneof_field),
            variant: quote!(#enum_path::#variant),
        };
    }
    let is_message_field =
        matches!(field.ty, FieldType::Message(_)) && field.cardinality == Cardinality::Single;
    if field.proto3_optional || is_message_field {
        Access::Optional(quote!(self.#name))
    } else {
        Access::Plain(quote!(self.#name))
    }
}

fn syn_ident(s: &str) -> proc_macro2::Ident {
    match s.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(s, proc_macro2::Span::call_site()),
    }
}

/// Wraps `body` (which reads `value`) so it runs only when the field has a value.
fn with_value(access: &Access, body: TokenStream, by_ref: bool) -> TokenStream {
    match access {
        Access::Plain(expr) => {
            if by_ref {
                quote! { { let value = &#expr; #body } }
            } else {
                quote! { { let value = #expr; #body } }
            }
        }
        Access::Optional(expr) => {
            if by_ref {
                quote! { if let ::core::option::Option::Some(value) = &#expr { #body } }
            } else {
                quote! { if let ::core::option::Option::Some(value) = #expr { #body } }
            }
        }
        Access::Oneof { field, variant } => {
            if by_ref {
                quote! { if let ::core::option::Option::Some(#variant(value)) = &#field { #body } }
            } else {
                quote! { if let ::core::option::Option::Some(#variant(value)) = &#field { let value = *value; #body } }
            }
        }
    }
}

fn field_checks(
    api: &Api,
    package: &Package,
    message: &Message,
    field: &Field,
) -> Vec<TokenStream> {
    let is_message =
        |full: &str| !full.starts_with("google.protobuf.") && api.message(full).is_some();
    let msg_name = &message.name;
    let go_field = names::go_field(&field.name);
    let path = &field.name;
    let check = |call: TokenStream| quote! { v.check(#call, #msg_name, #go_field, #path); };
    let rules: Vec<&Rule> = field.rules.iter().filter(|r| supported(r)).collect();
    let get = |name: &str| rules.iter().find(|r| r.name == name).map(|r| &r.value);
    let ignore_empty = get("ignore_empty").is_some_and(|v| *v == RuleValue::Bool(true));
    let acc = access(message, field);
    let mut out = Vec::new();

    // Presence rules on the field itself.
    if let Some(RuleValue::Bool(true)) = rules
        .iter()
        .find(|r| r.family == "message" && r.name == "required")
        .map(|r| &r.value)
    {
        if let Access::Optional(expr) = &acc {
            out.push(check(quote!(::protogate::rules::message::required(&#expr))));
        }
    }
    let skip_nested = rules
        .iter()
        .any(|r| r.family == "message" && r.name == "skip" && r.value == RuleValue::Bool(true));
    let family = rules
        .iter()
        .map(|r| r.family.as_str())
        .find(|f| *f != "message");

    let mut scalar = Vec::new();
    match (family, &field.cardinality) {
        (Some("string"), Cardinality::Single) => {
            let s = |v: &RuleValue| v.as_str().map(str::to_string).unwrap_or_default();
            let u = |v: &RuleValue| v.as_u64().unwrap_or(0);
            let opt = |v: Option<&RuleValue>| match v.and_then(RuleValue::as_u64) {
                Some(n) => quote!(::core::option::Option::Some(#n)),
                None => quote!(::core::option::Option::None),
            };
            if let Some(v) = get("const") {
                let c = s(v);
                scalar.push(check(
                    quote!(::protogate::rules::string::r#const(value, #c)),
                ));
            }
            if let Some(RuleValue::List(l)) = get("in") {
                let l: Vec<String> = l.iter().map(s).collect();
                scalar.push(check(
                    quote!(::protogate::rules::string::r#in(value, &[#(#l),*])),
                ));
            }
            if let Some(RuleValue::List(l)) = get("not_in") {
                let l: Vec<String> = l.iter().map(s).collect();
                scalar.push(check(
                    quote!(::protogate::rules::string::not_in(value, &[#(#l),*])),
                ));
            }
            if let Some(v) = get("len") {
                let n = u(v);
                scalar.push(check(quote!(::protogate::rules::string::len(value, #n))));
            }
            if get("min_len").is_some() || get("max_len").is_some() {
                let (min, max) = (opt(get("min_len")), opt(get("max_len")));
                scalar.push(check(
                    quote!(::protogate::rules::string::len_range(value, #min, #max)),
                ));
            }
            if let Some(v) = get("len_bytes") {
                let n = u(v);
                scalar.push(check(
                    quote!(::protogate::rules::string::len_bytes(value, #n)),
                ));
            }
            if get("min_bytes").is_some() || get("max_bytes").is_some() {
                let (min, max) = (opt(get("min_bytes")), opt(get("max_bytes")));
                scalar.push(check(
                    quote!(::protogate::rules::string::bytes_range(value, #min, #max)),
                ));
            }
            for rule in ["prefix", "suffix", "contains", "not_contains"] {
                if let Some(v) = get(rule) {
                    let f = syn_ident(rule);
                    let c = s(v);
                    scalar.push(check(quote!(::protogate::rules::string::#f(value, #c))));
                }
            }
            if let Some(v) = get("pattern") {
                let p = s(v);
                scalar.push(quote! {
                    {
                        static PATTERN: ::protogate::rules::Pattern = ::protogate::rules::Pattern::new(#p);
                        v.check(::protogate::rules::string::pattern(value, &PATTERN), #msg_name, #go_field, #path);
                    }
                });
            }
            if !scalar.is_empty() {
                let body = quote!(#(#scalar)*);
                let body = if ignore_empty {
                    quote!(if !value.is_empty() { #body })
                } else {
                    body
                };
                out.push(with_value(&acc, body, true));
            }
        }
        (Some(f), Cardinality::Single) if is_number_family(f) => {
            let lit = |v: &RuleValue| number_literal(f, v);
            let fam = f;
            if let Some(v) = get("const") {
                let c = lit(v);
                scalar.push(check(
                    quote!(::protogate::rules::number::r#const(#fam, value, #c)),
                ));
            }
            let bound = |name_ex: &str, name_in: &str| {
                if let Some(v) = get(name_ex) {
                    let c = lit(v);
                    Some(
                        quote!(::core::option::Option::Some(::protogate::rules::number::Bound { value: #c, inclusive: false })),
                    )
                } else {
                    get(name_in).map(|v| { let c = lit(v); quote!(::core::option::Option::Some(::protogate::rules::number::Bound { value: #c, inclusive: true })) })
                }
            };
            let lower = bound("gt", "gte");
            let upper = bound("lt", "lte");
            if lower.is_some() || upper.is_some() {
                let none = quote!(::core::option::Option::None);
                let lower = lower.unwrap_or_else(|| none.clone());
                let upper = upper.unwrap_or(none);
                scalar.push(check(
                    quote!(::protogate::rules::number::range(#fam, value, #lower, #upper)),
                ));
            }
            if let Some(RuleValue::List(l)) = get("in") {
                let l: Vec<TokenStream> = l.iter().map(lit).collect();
                scalar.push(check(
                    quote!(::protogate::rules::number::r#in(#fam, value, &[#(#l),*])),
                ));
            }
            if let Some(RuleValue::List(l)) = get("not_in") {
                let l: Vec<TokenStream> = l.iter().map(lit).collect();
                scalar.push(check(
                    quote!(::protogate::rules::number::not_in(#fam, value, &[#(#l),*])),
                ));
            }
            if !scalar.is_empty() {
                let body = quote!(#(#scalar)*);
                let zero = number_literal(f, &RuleValue::Int(0));
                let body = if ignore_empty {
                    quote!(if value != #zero { #body })
                } else {
                    body
                };
                out.push(with_value(&acc, body, false));
            }
        }
        (Some("bool"), Cardinality::Single) => {
            if let Some(RuleValue::Bool(b)) = get("const") {
                out.push(with_value(
                    &acc,
                    check(quote!(::protogate::rules::number::r#const("bool", value, #b))),
                    false,
                ));
            }
        }
        (Some("enum"), Cardinality::Single) => {
            let int = |v: &RuleValue| match v {
                RuleValue::Int(n) => *n as i32,
                _ => 0,
            };
            if let Some(v) = get("const") {
                let c = int(v);
                scalar.push(check(
                    quote!(::protogate::rules::number::r#const("enum", value, #c)),
                ));
            }
            if let (Some(RuleValue::Bool(true)), FieldType::Enum(e)) =
                (get("defined_only"), &field.ty)
            {
                let ty = rust_type(api, &package.name, e);
                scalar.push(check(quote!(::protogate::rules::enumeration::defined_only(<#ty as ::core::convert::TryFrom<i32>>::try_from(value).is_ok()))));
            }
            if let Some(RuleValue::List(l)) = get("in") {
                let l: Vec<i32> = l.iter().map(int).collect();
                scalar.push(check(
                    quote!(::protogate::rules::number::r#in("enum", value, &[#(#l),*])),
                ));
            }
            if let Some(RuleValue::List(l)) = get("not_in") {
                let l: Vec<i32> = l.iter().map(int).collect();
                scalar.push(check(
                    quote!(::protogate::rules::number::not_in("enum", value, &[#(#l),*])),
                ));
            }
            if !scalar.is_empty() {
                let body = quote!(#(#scalar)*);
                out.push(with_value(&acc, body, false));
            }
        }
        (Some("repeated"), Cardinality::Repeated) => {
            let Access::Plain(expr) = &acc else {
                return out;
            };
            let opt = |v: Option<&RuleValue>| match v.and_then(RuleValue::as_u64) {
                Some(n) => quote!(::core::option::Option::Some(#n)),
                None => quote!(::core::option::Option::None),
            };
            if get("min_items").is_some() || get("max_items").is_some() {
                let (min, max) = (opt(get("min_items")), opt(get("max_items")));
                scalar.push(check(
                    quote!(::protogate::rules::repeated::items(#expr.len(), #min, #max)),
                ));
            }
            if get("unique") == Some(&RuleValue::Bool(true)) {
                scalar.push(check(quote!(::protogate::rules::repeated::unique(&#expr))));
            }
            if !scalar.is_empty() {
                let body = quote!(#(#scalar)*);
                out.push(if ignore_empty {
                    quote!(if !#expr.is_empty() { #body })
                } else {
                    body
                });
            }
        }
        _ => {}
    }

    // Embedded messages are validated recursively, as PGV does unless `skip`.
    if !skip_nested {
        if let FieldType::Message(m) = &field.ty {
            if is_message(m) {
                match (&field.cardinality, &acc) {
                    (Cardinality::Single, _) => {
                        let body = quote!(v.embedded(value, #msg_name, #go_field, #path, ::core::option::Option::None););
                        out.push(with_value(&acc, body, true));
                    }
                    (Cardinality::Repeated, Access::Plain(expr)) => out.push(quote! {
                        for (index, value) in #expr.iter().enumerate() {
                            v.embedded(value, #msg_name, #go_field, #path, ::core::option::Option::Some(&index));
                        }
                    }),
                    _ => {}
                }
            }
        }
        if let (Cardinality::Map(_, FieldType::Message(m)), Access::Plain(expr)) =
            (&field.cardinality, &acc)
        {
            if is_message(m) {
                out.push(quote! {
                    for (key, value) in #expr.iter() {
                        v.embedded(value, #msg_name, #go_field, #path, ::core::option::Option::Some(key));
                    }
                });
            }
        }
    }
    out
}

fn number_literal(family: &str, v: &RuleValue) -> TokenStream {
    let as_f64 = match v {
        RuleValue::Float(f) => *f,
        RuleValue::Int(i) => *i as f64,
        RuleValue::Uint(u) => *u as f64,
        _ => 0.0,
    };
    let lit = match family {
        "float" => Literal::f32_suffixed(as_f64 as f32),
        "double" => Literal::f64_suffixed(as_f64),
        "int32" | "sint32" | "sfixed32" => Literal::i32_suffixed(match v {
            RuleValue::Int(i) => *i as i32,
            RuleValue::Uint(u) => *u as i32,
            _ => 0,
        }),
        "int64" | "sint64" | "sfixed64" => Literal::i64_suffixed(match v {
            RuleValue::Int(i) => *i,
            RuleValue::Uint(u) => *u as i64,
            _ => 0,
        }),
        "uint32" | "fixed32" => Literal::u32_suffixed(match v {
            RuleValue::Uint(u) => *u as u32,
            RuleValue::Int(i) => *i as u32,
            _ => 0,
        }),
        _ => Literal::u64_suffixed(match v {
            RuleValue::Uint(u) => *u,
            RuleValue::Int(i) => *i as u64,
            _ => 0,
        }),
    };
    quote!(#lit)
}
