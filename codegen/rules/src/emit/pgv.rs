//! PGV's families as runtime calls, in PGV's check order (its Go templates' order).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::literals::{self, bound, instant, items, none, number, opt_u64};
use super::{Emit, Value};
use crate::catalogue::is_number_family;

/// The checks of one PGV family on `value`.
pub(super) fn family(emit: &Emit<'_>) -> Vec<TokenStream> {
    match emit.written.family {
        "string" => string(emit),
        "bytes" => bytes(emit),
        f if is_number_family(f) || f == "enum" || f == "bool" => number_family(emit, f),
        f @ ("duration" | "timestamp") => time(emit, f),
        "any" => any(emit),
        _ => Vec::new(),
    }
}

/// `in`, or else `not_in` (PGV checks `not_in` only without `in`): the runtime function's
/// name and the list's items as literals.
fn in_or_not_in(
    emit: &Emit<'_>,
    [in_fn, not_in_fn]: [TokenStream; 2],
    lit: &dyn Fn(&super::Rule, &Value) -> TokenStream,
) -> Option<(TokenStream, Vec<TokenStream>)> {
    let w = emit.written;
    if let Some((rule, list)) = w.non_empty_list("in") {
        Some((in_fn, items(rule, list, lit)))
    } else {
        w.non_empty_list("not_in")
            .map(|(rule, list)| (not_in_fn, items(rule, list, lit)))
    }
}

/// The scalar modules' `in` / `not_in`.
fn scalar_lists() -> [TokenStream; 2] {
    [quote!(r#in), quote!(not_in)]
}

/// `len` alone, or `min`/`max` together (PGV ignores the bounds when `len` is set): the call of
/// `exact` or `range` of the runtime module `r`.
fn lengths(
    emit: &Emit<'_>,
    r: &TokenStream,
    [len, min, max]: [&str; 3],
    [exact, range]: [&str; 2],
) -> Option<TokenStream> {
    let w = emit.written;
    let (exact, range) = (format_ident!("{exact}"), format_ident!("{range}"));
    if let Some(n) = w.get(len).and_then(Value::as_u64) {
        return Some(emit.check(quote!(#r::#exact(value, #n))));
    }
    if w.get(min).is_some() || w.get(max).is_some() {
        let (min, max) = (opt_u64(w.get(min)), opt_u64(w.get(max)));
        return Some(emit.check(quote!(#r::#range(value, #min, #max))));
    }
    None
}

/// The flags naming a well-known format, each a function of `r` without arguments.
fn formats(emit: &Emit<'_>, r: &TokenStream, names: &[&str], out: &mut Vec<TokenStream>) {
    for &name in names {
        if emit.written.flag(name) {
            let f = format_ident!("{name}");
            out.push(emit.check(quote!(#r::#f(value))));
        }
    }
}

/// Wraps `out` in `if test { … }` when `ignore_empty` is set.
fn ignore_empty(emit: &Emit<'_>, out: &mut Vec<TokenStream>, test: TokenStream) {
    if emit.written.flag("ignore_empty") && !out.is_empty() {
        *out = vec![quote!(if #test { #(#out)* })];
    }
}

fn string(emit: &Emit<'_>) -> Vec<TokenStream> {
    let w = emit.written;
    let r = quote!(::protogate::rules::string);
    let mut out = Vec::new();
    if let Some(rule) = w.rule("const") {
        let c = literals::text(rule, &rule.value);
        out.push(emit.check(quote!(#r::r#const(value, #c))));
    }
    if let Some((f, l)) = in_or_not_in(emit, scalar_lists(), &literals::text) {
        out.push(emit.check(quote!(#r::#f(value, &[#(#l),*]))));
    }
    let runes = ["len", "min_len", "max_len"];
    out.extend(lengths(emit, &r, runes, ["len", "len_range"]));
    let bytes = ["len_bytes", "min_bytes", "max_bytes"];
    out.extend(lengths(emit, &r, bytes, ["len_bytes", "bytes_range"]));
    let affix_names = ["prefix", "suffix", "contains", "not_contains"];
    emit.each(&r, &affix_names, &literals::text, &mut out);
    let known = [
        "ip", "ipv4", "ipv6", "email", "hostname", "address", "uri", "uri_ref", "uuid",
    ];
    formats(emit, &r, &known, &mut out);
    if let Some(Value::Int(kind @ (1 | 2))) = w.get("well_known_regex") {
        let kind = if *kind == 1 {
            quote!(#r::KnownRegex::HttpHeaderName)
        } else {
            quote!(#r::KnownRegex::HttpHeaderValue)
        };
        let strict = !matches!(w.get("strict"), Some(Value::Bool(false)));
        out.push(emit.check(quote!(#r::well_known_regex(value, #kind, #strict))));
    }
    if let Some(rule) = w.rule("pattern") {
        out.push(emit.pattern(rule, quote!(#r::pattern(value, &PATTERN))));
    }
    ignore_empty(emit, &mut out, quote!(!value.is_empty()));
    out
}

fn bytes(emit: &Emit<'_>) -> Vec<TokenStream> {
    let w = emit.written;
    let r = quote!(::protogate::rules::bytes);
    let mut out = Vec::new();
    out.extend(lengths(
        emit,
        &r,
        ["len", "min_len", "max_len"],
        ["len", "len_range"],
    ));
    let affix_names = ["prefix", "suffix", "contains"];
    emit.each(&r, &affix_names, &literals::bytes, &mut out);
    if let Some((f, l)) = in_or_not_in(emit, scalar_lists(), &literals::bytes) {
        out.push(emit.check(quote!(#r::#f(value, &[#(#l),*]))));
    }
    if let Some(rule) = w.rule("const") {
        let b = literals::bytes(rule, &rule.value);
        out.push(emit.check(quote!(#r::r#const(value, #b))));
    }
    formats(emit, &r, &["ip", "ipv4", "ipv6"], &mut out);
    if let Some(rule) = w.rule("pattern") {
        out.push(emit.pattern(rule, quote!(#r::pattern(value, &PATTERN))));
    }
    ignore_empty(emit, &mut out, quote!(!value.is_empty()));
    out
}

/// The numbers, `enum` and `bool`: one `value` copied out of the reference for all checks.
fn number_family(emit: &Emit<'_>, f: &str) -> Vec<TokenStream> {
    let w = emit.written;
    let lit = |rule: &super::Rule, v: &Value| number(f, rule, v);
    let r = quote!(::protogate::rules::number);
    let mut out = Vec::new();
    if let Some(rule) = w.rule("const") {
        let c = lit(rule, &rule.value);
        out.push(emit.check(quote!(#r::r#const(#f, value, #c))));
    }
    let lower = bound(w.rule("gt"), w.rule("gte"), &lit);
    let upper = bound(w.rule("lt"), w.rule("lte"), &lit);
    if lower.is_some() || upper.is_some() {
        let (lower, upper) = (lower.unwrap_or_else(none), upper.unwrap_or_else(none));
        out.push(emit.check(quote!(#r::range(#f, value, #lower, #upper))));
    }
    if let Some((func, l)) = in_or_not_in(emit, scalar_lists(), &lit) {
        out.push(emit.check(quote!(#r::#func(#f, value, &[#(#l),*]))));
    }
    if let (true, Some(ty)) = (w.flag("defined_only"), &w.facts.enum_type) {
        out.push(emit.check(quote!(::protogate::rules::message::defined_only(
            <#ty as ::core::convert::TryFrom<i32>>::try_from(value).is_ok()
        ))));
    }
    let zero = literals::zero(f);
    ignore_empty(emit, &mut out, quote!(value != #zero));
    if out.is_empty() {
        return out;
    }
    let binding = if f == "enum" && w.facts.enum_into_i32 {
        quote!(let value: i32 = ::core::convert::Into::<i32>::into(*value);)
    } else {
        quote!(let value = *value;)
    };
    vec![quote! { { #binding #(#out)* } }]
}

/// Durations and timestamps: checked only when the value is a valid one.
fn time(emit: &Emit<'_>, family: &str) -> Vec<TokenStream> {
    let w = emit.written;
    let r = if family == "duration" {
        quote!(::protogate::rules::time::duration)
    } else {
        quote!(::protogate::rules::time::timestamp)
    };
    let mut inner = Vec::new();
    if let Some(rule) = w.rule("const") {
        let c = instant(rule, &rule.value);
        inner.push(emit.check(quote!(#r::r#const(value, #c))));
    }
    let lower = bound(w.rule("gt"), w.rule("gte"), &instant);
    let upper = bound(w.rule("lt"), w.rule("lte"), &instant);
    if lower.is_some() || upper.is_some() {
        let (lower, upper) = (lower.unwrap_or_else(none), upper.unwrap_or_else(none));
        inner.push(emit.check(quote!(#r::range(value, #lower, #upper))));
    } else if family == "timestamp" {
        let (lt_now, gt_now) = (w.flag("lt_now"), w.flag("gt_now"));
        let within = w.rule("within").map(|rule| instant(rule, &rule.value));
        if lt_now || gt_now || within.is_some() {
            let within = match within {
                Some(w) => quote!(::core::option::Option::Some(#w)),
                None => none(),
            };
            inner.push(emit.check(quote!(#r::relative(value, #lt_now, #gt_now, #within))));
        }
    }
    if let Some((f, l)) = in_or_not_in(emit, scalar_lists(), &instant) {
        inner.push(emit.check(quote!(#r::#f(value, &[#(#l),*]))));
    }
    if inner.is_empty() {
        return Vec::new();
    }
    let invalid = emit.check(quote!(checked));
    vec![quote! {
        {
            let value = ::protogate::rules::time::Instant::new(value.seconds, value.nanos);
            let checked = #r::valid(value);
            if checked.is_ok() { #(#inner)* } else { #invalid }
        }
    }]
}

fn any(emit: &Emit<'_>) -> Vec<TokenStream> {
    let r = quote!(::protogate::rules::message);
    let lists = [quote!(any_in), quote!(any_not_in)];
    in_or_not_in(emit, lists, &literals::text)
        .map(|(f, l)| emit.check(quote!(#r::#f(&value.type_url, &[#(#l),*]))))
        .into_iter()
        .collect()
}
