//! Each protovalidate rule family's rules as runtime calls, in the order its rules message
//! declares them (also for a protovalidate field inside a message validated the PGV way).

use proc_macro2::TokenStream;
use quote::quote;

use super::pv::rt;
use super::rules::{bound, bytes_lit, instant, non_empty_list, number_literal, pattern};
use super::{enum_type, ident, is_number_family, Ctx, Gen};
use crate::model::{FieldType, Rule, RuleValue};

/// The checks of `family`'s rules on `value`, in the order protovalidate declares them (also
/// for a protovalidate field inside a message validated the PGV way).
pub(super) fn family_checks(
    gen: &Gen<'_>,
    ctx: &Ctx,
    family: &str,
    rules: &[Rule],
    ty: &FieldType,
    at: &Option<TokenStream>,
) -> Vec<TokenStream> {
    let rules: Vec<&Rule> = rules.iter().filter(|r| r.family == family).collect();
    let get = |name: &str| rules.iter().find(|r| r.name == name).map(|r| &r.value);
    let check = |call: TokenStream| ctx.check(call, at);
    let r = rt();
    let mut out = Vec::new();
    let str_of = |v: &RuleValue| v.as_str().unwrap_or_default().to_string();
    let strs = |name: &str| -> Option<Vec<String>> {
        non_empty_list(get(name)).map(|l| l.iter().map(str_of).collect())
    };
    match family {
        f if is_number_family(f) || f == "enum" || f == "bool" => {
            let lit = |v: &RuleValue| number_literal(f, v);
            if let Some(v) = get("const") {
                let (c, id) = (lit(v), format!("{f}.const"));
                out.push(check(quote!(#r::r#const(value, #c, #id))));
            }
            if let Some(range) = range_check(f, &get, &lit) {
                out.push(check(range));
            }
            if let (Some(RuleValue::Bool(true)), FieldType::Enum(e)) = (get("defined_only"), ty) {
                let ty = enum_type(gen.api, gen.package, e);
                out.push(check(quote!(#r::defined_only(
                    <#ty as ::core::convert::TryFrom<i32>>::try_from(value).is_ok()
                ))));
            }
            for (name, func) in [("in", quote!(r#in)), ("not_in", quote!(not_in))] {
                if let Some(l) = non_empty_list(get(name)) {
                    let l: Vec<TokenStream> = l.iter().map(lit).collect();
                    let id = format!("{f}.{name}");
                    out.push(check(quote!(#r::#func(value, &[#(#l),*], #id))));
                }
            }
            if get("finite") == Some(&RuleValue::Bool(true)) {
                let id = format!("{f}.finite");
                out.push(check(quote!(#r::finite(value, #id))));
            }
            if !out.is_empty() {
                out = vec![quote! { { let value = *value; #(#out)* } }];
            }
        }
        "string" => {
            let s = quote!(#r::string);
            if let Some(v) = get("const") {
                let c = str_of(v);
                out.push(check(quote!(#s::r#const(value, #c))));
            }
            for name in [
                "len",
                "min_len",
                "max_len",
                "len_bytes",
                "min_bytes",
                "max_bytes",
            ] {
                if let Some(n) = get(name).and_then(RuleValue::as_u64) {
                    let f = ident(name);
                    out.push(check(quote!(#s::#f(value, #n))));
                }
            }
            if let Some(v) = get("pattern") {
                out.push(pattern(
                    ctx,
                    &str_of(v),
                    quote!(#s::pattern(value, &PATTERN)),
                    at,
                ));
            }
            for name in ["prefix", "suffix", "contains", "not_contains"] {
                if let Some(v) = get(name) {
                    let (f, c) = (ident(name), str_of(v));
                    out.push(check(quote!(#s::#f(value, #c))));
                }
            }
            if let Some(l) = strs("in") {
                out.push(check(quote!(#s::r#in(value, &[#(#l),*]))));
            }
            if let Some(l) = strs("not_in") {
                out.push(check(quote!(#s::not_in(value, &[#(#l),*]))));
            }
            if let Some(format) = string_format(&get) {
                out.push(check(quote!(#s::format(value, #s::Format::#format))));
            }
        }
        "bytes" => {
            let b = quote!(#r::bytes);
            if let Some(v) = get("const") {
                let c = bytes_lit(v);
                out.push(check(quote!(#b::r#const(value, #c))));
            }
            for name in ["len", "min_len", "max_len"] {
                if let Some(n) = get(name).and_then(RuleValue::as_u64) {
                    let f = ident(name);
                    out.push(check(quote!(#b::#f(value, #n))));
                }
            }
            if let Some(v) = get("pattern") {
                out.push(pattern(
                    ctx,
                    &str_of(v),
                    quote!(#b::pattern(value, &PATTERN)),
                    at,
                ));
            }
            for name in ["prefix", "suffix", "contains"] {
                if let Some(v) = get(name) {
                    let (f, c) = (ident(name), bytes_lit(v));
                    out.push(check(quote!(#b::#f(value, #c))));
                }
            }
            for (name, func) in [("in", quote!(r#in)), ("not_in", quote!(not_in))] {
                if let Some(l) = non_empty_list(get(name)) {
                    let l: Vec<TokenStream> = l.iter().map(bytes_lit).collect();
                    out.push(check(quote!(#b::#func(value, &[#(#l),*]))));
                }
            }
            for (name, variant) in [
                ("ip", quote!(Ip)),
                ("ipv4", quote!(Ipv4)),
                ("ipv6", quote!(Ipv6)),
                ("uuid", quote!(Uuid)),
            ] {
                if get(name) == Some(&RuleValue::Bool(true)) {
                    out.push(check(quote!(#b::sized(value, #b::Sized::#variant))));
                }
            }
        }
        "duration" | "timestamp" => {
            let t = if family == "duration" {
                quote!(#r::duration)
            } else {
                quote!(#r::timestamp)
            };
            let mut inner = Vec::new();
            if let Some(v) = get("const") {
                let c = instant(v);
                inner.push(check(quote!(#t::r#const(value, #c))));
            }
            let lower = bound(&get, "gt", "gte", &instant);
            let range = time_range(family, &get).map(|id| {
                let none = quote!(::core::option::Option::None);
                let upper = bound(&get, "lt", "lte", &instant).unwrap_or(none.clone());
                let lower = lower.clone().unwrap_or(none);
                check(quote!(#t::range(value, #lower, #upper, #id)))
            });
            // A range with a lower bound is checked where `gt`/`gte` are declared, after
            // `lt_now`; an upper bound alone where `lt`/`lte` are.
            if lower.is_none() {
                inner.extend(range.clone());
            }
            // `now` is read once per value, as protovalidate reads it once per evaluation.
            let relative = ["lt_now", "gt_now"]
                .iter()
                .any(|n| get(n) == Some(&RuleValue::Bool(true)))
                || get("within").is_some();
            let now = quote!(now);
            if get("lt_now") == Some(&RuleValue::Bool(true)) {
                inner.push(check(quote!(#t::lt_now(value, #now))));
            }
            if lower.is_some() {
                inner.extend(range);
            }
            if get("gt_now") == Some(&RuleValue::Bool(true)) {
                inner.push(check(quote!(#t::gt_now(value, #now))));
            }
            if let Some(v) = get("within") {
                let w = instant(v);
                inner.push(check(quote!(#t::within(value, #now, #w))));
            }
            for (name, func) in [("in", quote!(r#in)), ("not_in", quote!(not_in))] {
                if let Some(l) = non_empty_list(get(name)) {
                    let l: Vec<TokenStream> = l.iter().map(instant).collect();
                    inner.push(check(quote!(#t::#func(value, &[#(#l),*]))));
                }
            }
            if !inner.is_empty() {
                let now =
                    relative.then(|| quote!(let now = ::protogate::rules::time::timestamp::now();));
                out.push(quote! {
                    {
                        let value = ::protogate::rules::time::Instant::new(value.seconds, value.nanos);
                        #now
                        #(#inner)*
                    }
                });
            }
        }
        "any" => {
            if let Some(l) = strs("in") {
                out.push(check(quote!(#r::any_in(&value.type_url, &[#(#l),*]))));
            }
            if let Some(l) = strs("not_in") {
                out.push(check(quote!(#r::any_not_in(&value.type_url, &[#(#l),*]))));
            }
        }
        "field_mask" => {
            let m = quote!(#r::field_mask);
            if let Some(RuleValue::List(paths)) = get("const") {
                let paths: Vec<String> = paths.iter().map(str_of).collect();
                out.push(check(quote!(#m::r#const(&value.paths, &[#(#paths),*]))));
            }
            if let Some(l) = strs("in") {
                out.push(check(quote!(#m::r#in(&value.paths, &[#(#l),*]))));
            }
            if let Some(l) = strs("not_in") {
                out.push(check(quote!(#m::not_in(&value.paths, &[#(#l),*]))));
            }
        }
        _ => {}
    }
    out
}

/// The range call of a number family, with protovalidate's id for the bounds set.
fn range_check<'r>(
    family: &str,
    get: &dyn Fn(&str) -> Option<&'r RuleValue>,
    lit: &dyn Fn(&RuleValue) -> TokenStream,
) -> Option<TokenStream> {
    let id = range_id(family, get, |a, b| as_f64(a) >= as_f64(b))?;
    let none = quote!(::core::option::Option::None);
    let lower = bound(get, "gt", "gte", lit).unwrap_or(none.clone());
    let upper = bound(get, "lt", "lte", lit).unwrap_or(none);
    let r = rt();
    Some(quote!(#r::range(value, #lower, #upper, #id)))
}

fn time_range<'r>(family: &str, get: &dyn Fn(&str) -> Option<&'r RuleValue>) -> Option<String> {
    range_id(family, get, |a, b| time_of(a) >= time_of(b))
}

/// `family.gt_lt`, `family.gte_lte_exclusive`, `family.lt`, …: which bounds are set and
/// whether the upper is at least the lower (`upper_ge_lower`).
fn range_id<'r>(
    family: &str,
    get: &dyn Fn(&str) -> Option<&'r RuleValue>,
    upper_ge_lower: impl Fn(&RuleValue, &RuleValue) -> bool,
) -> Option<String> {
    let lower = ["gt", "gte"]
        .into_iter()
        .find_map(|n| get(n).map(|v| (n, v)));
    let upper = ["lt", "lte"]
        .into_iter()
        .find_map(|n| get(n).map(|v| (n, v)));
    Some(match (lower, upper) {
        (Some((l, lv)), Some((u, uv))) => {
            let exclusive = if upper_ge_lower(uv, lv) {
                ""
            } else {
                "_exclusive"
            };
            format!("{family}.{l}_{u}{exclusive}")
        }
        (Some((l, _)), None) => format!("{family}.{l}"),
        (None, Some((u, _))) => format!("{family}.{u}"),
        (None, None) => return None,
    })
}

fn as_f64(v: &RuleValue) -> f64 {
    match v {
        RuleValue::Float(f) => *f,
        RuleValue::Int(i) => *i as f64,
        RuleValue::Uint(u) => *u as f64,
        _ => 0.0,
    }
}

fn time_of(v: &RuleValue) -> i128 {
    match v {
        RuleValue::Time(s, n) => *s as i128 * 1_000_000_000 + *n as i128,
        _ => 0,
    }
}

/// The `Format` variant of the well-known string rule that is set, if any.
fn string_format<'r>(get: &dyn Fn(&str) -> Option<&'r RuleValue>) -> Option<TokenStream> {
    let set = |n: &str| get(n) == Some(&RuleValue::Bool(true));
    for (name, variant) in [
        ("email", "Email"),
        ("hostname", "Hostname"),
        ("ip", "Ip"),
        ("ipv4", "Ipv4"),
        ("ipv6", "Ipv6"),
        ("uri", "Uri"),
        ("uri_ref", "UriRef"),
        ("address", "Address"),
        ("uuid", "Uuid"),
        ("tuuid", "Tuuid"),
        ("ip_with_prefixlen", "IpWithPrefixlen"),
        ("ipv4_with_prefixlen", "Ipv4WithPrefixlen"),
        ("ipv6_with_prefixlen", "Ipv6WithPrefixlen"),
        ("ip_prefix", "IpPrefix"),
        ("ipv4_prefix", "Ipv4Prefix"),
        ("ipv6_prefix", "Ipv6Prefix"),
        ("host_and_port", "HostAndPort"),
        ("ulid", "Ulid"),
        ("protobuf_fqn", "ProtobufFqn"),
        ("protobuf_dot_fqn", "ProtobufDotFqn"),
    ] {
        if set(name) {
            let v = ident(variant);
            return Some(quote!(#v));
        }
    }
    let strict = get("strict") != Some(&RuleValue::Bool(false));
    match get("well_known_regex") {
        Some(RuleValue::Int(1)) => Some(quote!(HeaderName(#strict))),
        Some(RuleValue::Int(2)) => Some(quote!(HeaderValue(#strict))),
        _ => None,
    }
}
