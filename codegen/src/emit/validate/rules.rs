//! The calls for one rule family on a value bound to `value` (a reference), in PGV's order.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{enum_type, is_number_family, Ctx, Gen};
use crate::model::{FieldType, Rule, RuleValue};

/// The checks of `family` on `value`.
pub(super) fn family(
    gen: &Gen<'_>,
    ctx: &Ctx,
    family: &str,
    rules: &[Rule],
    ty: &FieldType,
    at: &Option<TokenStream>,
) -> Vec<TokenStream> {
    if ctx.dialect == crate::model::Dialect::Protovalidate {
        return super::pv_family::family_checks(gen, ctx, family, rules, ty, at);
    }
    let rules: Vec<&Rule> = rules.iter().filter(|r| r.family == family).collect();
    let get = |name: &str| rules.iter().find(|r| r.name == name).map(|r| &r.value);
    let check = |call: TokenStream| ctx.check(call, at);
    let ignore_empty = get("ignore_empty") == Some(&RuleValue::Bool(true));
    let mut out = Vec::new();
    match family {
        "string" => {
            let s = |v: &RuleValue| v.as_str().unwrap_or_default().to_string();
            let r = quote!(::protogate::rules::string);
            if let Some(v) = get("const") {
                let c = s(v);
                out.push(check(quote!(#r::r#const(value, #c))));
            }
            if let Some(l) = non_empty_list(get("in")) {
                let l: Vec<String> = l.iter().map(s).collect();
                out.push(check(quote!(#r::r#in(value, &[#(#l),*]))));
            } else if let Some(l) = non_empty_list(get("not_in")) {
                let l: Vec<String> = l.iter().map(s).collect();
                out.push(check(quote!(#r::not_in(value, &[#(#l),*]))));
            }
            out.extend(lengths(
                &get,
                "len",
                "min_len",
                "max_len",
                |n| check(quote!(#r::len(value, #n))),
                |min, max| check(quote!(#r::len_range(value, #min, #max))),
            ));
            out.extend(lengths(
                &get,
                "len_bytes",
                "min_bytes",
                "max_bytes",
                |n| check(quote!(#r::len_bytes(value, #n))),
                |min, max| check(quote!(#r::bytes_range(value, #min, #max))),
            ));
            for rule in ["prefix", "suffix", "contains", "not_contains"] {
                if let Some(v) = get(rule) {
                    let f = super::ident(rule);
                    let c = s(v);
                    out.push(check(quote!(#r::#f(value, #c))));
                }
            }
            for known in [
                "ip", "ipv4", "ipv6", "email", "hostname", "address", "uri", "uri_ref", "uuid",
            ] {
                if get(known) == Some(&RuleValue::Bool(true)) {
                    let f = super::ident(known);
                    out.push(check(quote!(#r::#f(value))));
                }
            }
            if let Some(RuleValue::Int(kind @ (1 | 2))) = get("well_known_regex") {
                let kind = if *kind == 1 {
                    quote!(#r::KnownRegex::HttpHeaderName)
                } else {
                    quote!(#r::KnownRegex::HttpHeaderValue)
                };
                let strict = get("strict") != Some(&RuleValue::Bool(false));
                out.push(check(quote!(#r::well_known_regex(value, #kind, #strict))));
            }
            if let Some(v) = get("pattern") {
                out.push(pattern(
                    ctx,
                    &s(v),
                    quote!(#r::pattern(value, &PATTERN)),
                    at,
                ));
            }
            wrap_if(&mut out, ignore_empty, quote!(!value.is_empty()));
        }
        "bytes" => {
            let r = quote!(::protogate::rules::bytes);
            out.extend(lengths(
                &get,
                "len",
                "min_len",
                "max_len",
                |n| check(quote!(#r::len(value, #n))),
                |min, max| check(quote!(#r::len_range(value, #min, #max))),
            ));
            for rule in ["prefix", "suffix", "contains"] {
                if let Some(v) = get(rule) {
                    let f = super::ident(rule);
                    let b = bytes_lit(v);
                    out.push(check(quote!(#r::#f(value, #b))));
                }
            }
            if let Some(l) = non_empty_list(get("in")) {
                let l: Vec<TokenStream> = l.iter().map(bytes_lit).collect();
                out.push(check(quote!(#r::r#in(value, &[#(#l),*]))));
            } else if let Some(l) = non_empty_list(get("not_in")) {
                let l: Vec<TokenStream> = l.iter().map(bytes_lit).collect();
                out.push(check(quote!(#r::not_in(value, &[#(#l),*]))));
            }
            if let Some(v) = get("const") {
                let b = bytes_lit(v);
                out.push(check(quote!(#r::r#const(value, #b))));
            }
            for known in ["ip", "ipv4", "ipv6"] {
                if get(known) == Some(&RuleValue::Bool(true)) {
                    let f = super::ident(known);
                    out.push(check(quote!(#r::#f(value))));
                }
            }
            if let Some(v) = get("pattern") {
                let p = v.as_str().unwrap_or_default();
                out.push(pattern(ctx, p, quote!(#r::pattern(value, &PATTERN)), at));
            }
            wrap_if(&mut out, ignore_empty, quote!(!value.is_empty()));
        }
        f if is_number_family(f) || f == "enum" || f == "bool" => {
            let lit = |v: &RuleValue| number_literal(f, v);
            let r = quote!(::protogate::rules::number);
            if let Some(v) = get("const") {
                let c = lit(v);
                out.push(check(quote!(#r::r#const(#f, value, #c))));
            }
            let lower = bound(&get, "gt", "gte", &lit);
            let upper = bound(&get, "lt", "lte", &lit);
            if lower.is_some() || upper.is_some() {
                let none = quote!(::core::option::Option::None);
                let (lower, upper) = (lower.unwrap_or(none.clone()), upper.unwrap_or(none));
                out.push(check(quote!(#r::range(#f, value, #lower, #upper))));
            }
            if let Some(l) = non_empty_list(get("in")) {
                let l: Vec<TokenStream> = l.iter().map(lit).collect();
                out.push(check(quote!(#r::r#in(#f, value, &[#(#l),*]))));
            } else if let Some(l) = non_empty_list(get("not_in")) {
                let l: Vec<TokenStream> = l.iter().map(lit).collect();
                out.push(check(quote!(#r::not_in(#f, value, &[#(#l),*]))));
            }
            if let (Some(RuleValue::Bool(true)), FieldType::Enum(e)) = (get("defined_only"), ty) {
                let ty = enum_type(gen.api, gen.package, e);
                out.push(check(quote!(::protogate::rules::message::defined_only(
                    <#ty as ::core::convert::TryFrom<i32>>::try_from(value).is_ok()
                ))));
            }
            let zero = number_literal(f, &RuleValue::Int(0));
            wrap_if(&mut out, ignore_empty, quote!(value != #zero));
            if !out.is_empty() {
                out = vec![quote! { { let value = *value; #(#out)* } }];
            }
        }
        "duration" | "timestamp" => {
            let r = if family == "duration" {
                quote!(::protogate::rules::time::duration)
            } else {
                quote!(::protogate::rules::time::timestamp)
            };
            let mut inner = Vec::new();
            if let Some(v) = get("const") {
                let c = instant(v);
                inner.push(check(quote!(#r::r#const(value, #c))));
            }
            let lower = bound(&get, "gt", "gte", &instant);
            let upper = bound(&get, "lt", "lte", &instant);
            if lower.is_some() || upper.is_some() {
                let none = quote!(::core::option::Option::None);
                let (lower, upper) = (lower.unwrap_or(none.clone()), upper.unwrap_or(none));
                inner.push(check(quote!(#r::range(value, #lower, #upper))));
            } else if family == "timestamp" {
                let lt_now = get("lt_now") == Some(&RuleValue::Bool(true));
                let gt_now = get("gt_now") == Some(&RuleValue::Bool(true));
                let within = get("within").map(instant);
                if lt_now || gt_now || within.is_some() {
                    let within = match within {
                        Some(w) => quote!(::core::option::Option::Some(#w)),
                        None => quote!(::core::option::Option::None),
                    };
                    inner.push(check(
                        quote!(#r::relative(value, #lt_now, #gt_now, #within)),
                    ));
                }
            }
            if let Some(l) = non_empty_list(get("in")) {
                let l: Vec<TokenStream> = l.iter().map(instant).collect();
                inner.push(check(quote!(#r::r#in(value, &[#(#l),*]))));
            } else if let Some(l) = non_empty_list(get("not_in")) {
                let l: Vec<TokenStream> = l.iter().map(instant).collect();
                inner.push(check(quote!(#r::not_in(value, &[#(#l),*]))));
            }
            if !inner.is_empty() {
                let invalid = check(quote!(checked));
                out.push(quote! {
                    {
                        let value = ::protogate::rules::time::Instant::new(value.seconds, value.nanos);
                        let checked = #r::valid(value);
                        if checked.is_ok() { #(#inner)* } else { #invalid }
                    }
                });
            }
        }
        "any" => {
            let s = |v: &RuleValue| v.as_str().unwrap_or_default().to_string();
            let r = quote!(::protogate::rules::message);
            if let Some(l) = non_empty_list(get("in")) {
                let l: Vec<String> = l.iter().map(s).collect();
                out.push(check(quote!(#r::any_in(&value.type_url, &[#(#l),*]))));
            } else if let Some(l) = non_empty_list(get("not_in")) {
                let l: Vec<String> = l.iter().map(s).collect();
                out.push(check(quote!(#r::any_not_in(&value.type_url, &[#(#l),*]))));
            }
        }
        _ => {}
    }
    out
}

/// `len` alone, or `min`/`max` together (PGV ignores the bounds when `len` is set).
fn lengths<'r>(
    get: &dyn Fn(&str) -> Option<&'r RuleValue>,
    len: &str,
    min: &str,
    max: &str,
    exact: impl Fn(u64) -> TokenStream,
    range: impl Fn(TokenStream, TokenStream) -> TokenStream,
) -> Option<TokenStream> {
    if let Some(n) = get(len).and_then(RuleValue::as_u64) {
        return Some(exact(n));
    }
    if get(min).is_some() || get(max).is_some() {
        return Some(range(super::opt_u64(get(min)), super::opt_u64(get(max))));
    }
    None
}

pub(super) fn non_empty_list(v: Option<&RuleValue>) -> Option<&Vec<RuleValue>> {
    match v {
        Some(RuleValue::List(l)) if !l.is_empty() => Some(l),
        _ => None,
    }
}

fn wrap_if(out: &mut Vec<TokenStream>, cond: bool, test: TokenStream) {
    if cond && !out.is_empty() {
        *out = vec![quote!(if #test { #(#out)* })];
    }
}

/// A pattern check with its `static` compiled once.
pub(super) fn pattern(
    ctx: &Ctx,
    source: &str,
    call: TokenStream,
    at: &Option<TokenStream>,
) -> TokenStream {
    let check = ctx.check(call, at);
    quote! {
        {
            static PATTERN: ::protogate::rules::Pattern = ::protogate::rules::Pattern::new(#source);
            #check
        }
    }
}

pub(super) fn bound<'r>(
    get: &dyn Fn(&str) -> Option<&'r RuleValue>,
    exclusive: &str,
    inclusive: &str,
    lit: &dyn Fn(&RuleValue) -> TokenStream,
) -> Option<TokenStream> {
    let b = quote!(::protogate::rules::number::Bound);
    if let Some(v) = get(exclusive) {
        let c = lit(v);
        Some(quote!(::core::option::Option::Some(#b::exclusive(#c))))
    } else {
        get(inclusive).map(|v| {
            let c = lit(v);
            quote!(::core::option::Option::Some(#b::inclusive(#c)))
        })
    }
}

pub(super) fn bytes_lit(v: &RuleValue) -> TokenStream {
    let bytes = match v {
        RuleValue::Bytes(b) => b.clone(),
        RuleValue::Str(s) => s.as_bytes().to_vec(),
        _ => Vec::new(),
    };
    let lit = Literal::byte_string(&bytes);
    quote!(&#lit[..])
}

pub(super) fn instant(v: &RuleValue) -> TokenStream {
    let (s, n) = match v {
        RuleValue::Time(s, n) => (*s, *n),
        _ => (0, 0),
    };
    quote!(::protogate::rules::time::Instant::new(#s, #n))
}

pub(super) fn number_literal(family: &str, v: &RuleValue) -> TokenStream {
    let as_f64 = match v {
        RuleValue::Float(f) => *f,
        RuleValue::Int(i) => *i as f64,
        RuleValue::Uint(u) => *u as f64,
        _ => 0.0,
    };
    let int = match v {
        RuleValue::Int(i) => *i as i128,
        RuleValue::Uint(u) => *u as i128,
        RuleValue::Float(f) => *f as i128,
        RuleValue::Bool(b) => *b as i128,
        _ => 0,
    };
    let lit = match family {
        "bool" => {
            let b = matches!(v, RuleValue::Bool(true));
            return quote!(#b);
        }
        "float" => float_literal(as_f64 as f32 as f64, true),
        "double" => float_literal(as_f64, false),
        "int32" | "sint32" | "sfixed32" | "enum" => Literal::i32_suffixed(int as i32),
        "int64" | "sint64" | "sfixed64" => Literal::i64_suffixed(int as i64),
        "uint32" | "fixed32" => Literal::u32_suffixed(int as u32),
        _ => Literal::u64_suffixed(int as u64),
    };
    quote!(#lit)
}

/// Float literals, with the special values spelled as constants.
fn float_literal(v: f64, single: bool) -> Literal {
    if v.is_finite() {
        if single {
            Literal::f32_suffixed(v as f32)
        } else {
            Literal::f64_suffixed(v)
        }
    } else {
        // The generator rejects NaN/infinite bounds; fall back to zero defensively.
        Literal::f64_suffixed(0.0)
    }
}
