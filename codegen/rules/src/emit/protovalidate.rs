//! protovalidate's families as runtime calls (`::protogate::rules::pv`), in the order each
//! rules message declares its rules, with protovalidate's rule ids.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::literals::{self, bound, instant, items, none, number};
use super::{Emit, Rule, Value};
use crate::catalogue::is_number_family;

/// The runtime module of protovalidate's rules.
fn rt() -> TokenStream {
    quote!(::protogate::rules::pv)
}

/// The checks of one protovalidate family on `value`.
pub(super) fn family(emit: &Emit<'_>) -> Vec<TokenStream> {
    match emit.written.family {
        f if is_number_family(f) || f == "enum" || f == "bool" => number_family(emit, f),
        "string" => string(emit),
        "bytes" => bytes(emit),
        f @ ("duration" | "timestamp") => time(emit, f),
        "any" => any(emit),
        "field_mask" => field_mask(emit),
        _ => Vec::new(),
    }
}

/// `in` then `not_in` (both are checked), each calling `func(value, &[…], extra)`.
fn lists(
    emit: &Emit<'_>,
    module: &TokenStream,
    subject: &TokenStream,
    lit: &dyn Fn(&Rule, &Value) -> TokenStream,
    id: Option<&str>,
    out: &mut Vec<TokenStream>,
) {
    for (name, func) in [("in", quote!(r#in)), ("not_in", quote!(not_in))] {
        if let Some((rule, list)) = emit.written.non_empty_list(name) {
            let l = items(rule, list, lit);
            out.push(match id {
                Some(family) => {
                    let id = format!("{family}.{name}");
                    emit.check(quote!(#module::#func(#subject, &[#(#l),*], #id)))
                }
                None => emit.check(quote!(#module::#func(#subject, &[#(#l),*]))),
            });
        }
    }
}

/// Rules of `module` taking a length each, emitted only for a valid count.
fn counts(emit: &Emit<'_>, module: &TokenStream, names: &[&str], out: &mut Vec<TokenStream>) {
    for &name in names {
        if let Some(n) = emit.written.get(name).and_then(Value::as_u64) {
            let f = format_ident!("{name}");
            out.push(emit.check(quote!(#module::#f(value, #n))));
        }
    }
}

fn number_family(emit: &Emit<'_>, f: &str) -> Vec<TokenStream> {
    let w = emit.written;
    let r = rt();
    let lit = |rule: &Rule, v: &Value| number(f, rule, v);
    let mut out = Vec::new();
    if let Some(rule) = w.rule("const") {
        let (c, id) = (lit(rule, &rule.value), format!("{f}.const"));
        out.push(emit.check(quote!(#r::r#const(value, #c, #id))));
    }
    if let Some(id) = range_id(emit, f, |a, b| as_f64(a) >= as_f64(b)) {
        let lower = bound(w.rule("gt"), w.rule("gte"), &lit).unwrap_or_else(none);
        let upper = bound(w.rule("lt"), w.rule("lte"), &lit).unwrap_or_else(none);
        out.push(emit.check(quote!(#r::range(value, #lower, #upper, #id))));
    }
    if let (true, Some(ty)) = (w.flag("defined_only"), &w.facts.enum_type) {
        out.push(emit.check(quote!(#r::defined_only(
            <#ty as ::core::convert::TryFrom<i32>>::try_from(value).is_ok()
        ))));
    }
    lists(emit, &r, &quote!(value), &lit, Some(f), &mut out);
    if w.flag("finite") {
        let id = format!("{f}.finite");
        out.push(emit.check(quote!(#r::finite(value, #id))));
    }
    if out.is_empty() {
        return out;
    }
    vec![quote! { { let value = *value; #(#out)* } }]
}

/// What `string` and `bytes` share, in their declaration order: `const`, the lengths,
/// `pattern`, the affixes, `in` and `not_in`, with literals from `lit`.
fn text_like(
    emit: &Emit<'_>,
    module: &TokenStream,
    [lengths, affixes]: [&[&str]; 2],
    lit: &dyn Fn(&Rule, &Value) -> TokenStream,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    emit.each(module, &["const"], lit, &mut out);
    counts(emit, module, lengths, &mut out);
    if let Some(rule) = emit.written.rule("pattern") {
        out.push(emit.pattern(rule, quote!(#module::pattern(value, &PATTERN))));
    }
    emit.each(module, affixes, lit, &mut out);
    lists(emit, module, &quote!(value), lit, None, &mut out);
    out
}

fn string(emit: &Emit<'_>) -> Vec<TokenStream> {
    let r = rt();
    let s = quote!(#r::string);
    let lengths: &[&str] = &[
        "len",
        "min_len",
        "max_len",
        "len_bytes",
        "min_bytes",
        "max_bytes",
    ];
    let affixes: &[&str] = &["prefix", "suffix", "contains", "not_contains"];
    let mut out = text_like(emit, &s, [lengths, affixes], &literals::text);
    if let Some(format) = string_format(emit) {
        out.push(emit.check(quote!(#s::format(value, #s::Format::#format))));
    }
    out
}

fn bytes(emit: &Emit<'_>) -> Vec<TokenStream> {
    let w = emit.written;
    let r = rt();
    let b = quote!(#r::bytes);
    let lengths: &[&str] = &["len", "min_len", "max_len"];
    let affixes: &[&str] = &["prefix", "suffix", "contains"];
    let mut out = text_like(emit, &b, [lengths, affixes], &literals::bytes);
    for (name, variant) in [
        ("ip", quote!(Ip)),
        ("ipv4", quote!(Ipv4)),
        ("ipv6", quote!(Ipv6)),
        ("uuid", quote!(Uuid)),
    ] {
        if w.flag(name) {
            out.push(emit.check(quote!(#b::sized(value, #b::Sized::#variant))));
        }
    }
    out
}

fn time(emit: &Emit<'_>, family: &str) -> Vec<TokenStream> {
    let w = emit.written;
    let r = rt();
    let t = if family == "duration" {
        quote!(#r::duration)
    } else {
        quote!(#r::timestamp)
    };
    let mut inner = Vec::new();
    emit.each(&t, &["const"], &instant, &mut inner);
    let lower = bound(w.rule("gt"), w.rule("gte"), &instant);
    let range = range_id(emit, family, |a, b| time_of(a) >= time_of(b)).map(|id| {
        let upper = bound(w.rule("lt"), w.rule("lte"), &instant).unwrap_or_else(none);
        let lower = lower.clone().unwrap_or_else(none);
        emit.check(quote!(#t::range(value, #lower, #upper, #id)))
    });
    // A range with a lower bound is checked where `gt`/`gte` are declared, after `lt_now`; an
    // upper bound alone where `lt`/`lte` are.
    if lower.is_none() {
        inner.extend(range.clone());
    }
    // `now` is read once per value, as protovalidate reads it once per evaluation.
    let relative = w.flag("lt_now") || w.flag("gt_now") || w.get("within").is_some();
    if w.flag("lt_now") {
        inner.push(emit.check(quote!(#t::lt_now(value, now))));
    }
    if lower.is_some() {
        inner.extend(range);
    }
    if w.flag("gt_now") {
        inner.push(emit.check(quote!(#t::gt_now(value, now))));
    }
    if let Some(rule) = w.rule("within") {
        let within = instant(rule, &rule.value);
        inner.push(emit.check(quote!(#t::within(value, now, #within))));
    }
    lists(emit, &t, &quote!(value), &instant, None, &mut inner);
    if inner.is_empty() {
        return Vec::new();
    }
    let now = relative.then(|| quote!(let now = ::protogate::rules::time::timestamp::now();));
    vec![quote! {
        {
            let value = ::protogate::rules::time::Instant::new(value.seconds, value.nanos);
            #now
            #(#inner)*
        }
    }]
}

fn any(emit: &Emit<'_>) -> Vec<TokenStream> {
    let r = rt();
    let mut out = Vec::new();
    for (name, func) in [("in", quote!(any_in)), ("not_in", quote!(any_not_in))] {
        if let Some((rule, list)) = emit.written.non_empty_list(name) {
            let l = items(rule, list, &literals::text);
            out.push(emit.check(quote!(#r::#func(&value.type_url, &[#(#l),*]))));
        }
    }
    out
}

fn field_mask(emit: &Emit<'_>) -> Vec<TokenStream> {
    let m = {
        let r = rt();
        quote!(#r::field_mask)
    };
    let mut out = Vec::new();
    if let Some(
        rule @ Rule {
            value: Value::List(paths),
            ..
        },
    ) = emit.written.rule("const")
    {
        let paths = items(rule, paths, &literals::text);
        out.push(emit.check(quote!(#m::r#const(&value.paths, &[#(#paths),*]))));
    }
    lists(
        emit,
        &m,
        &quote!(&value.paths),
        &literals::text,
        None,
        &mut out,
    );
    out
}

/// `family.gt_lt`, `family.gte_lte_exclusive`, `family.lt`, …: protovalidate's id for the
/// bounds set, and whether the upper is at least the lower (`upper_ge_lower`).
fn range_id(
    emit: &Emit<'_>,
    family: &str,
    upper_ge_lower: impl Fn(&Value, &Value) -> bool,
) -> Option<String> {
    let w = emit.written;
    let lower = ["gt", "gte"]
        .into_iter()
        .find_map(|n| w.get(n).map(|v| (n, v)));
    let upper = ["lt", "lte"]
        .into_iter()
        .find_map(|n| w.get(n).map(|v| (n, v)));
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

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        _ => 0.0,
    }
}

fn time_of(v: &Value) -> i128 {
    match v {
        Value::Time { seconds, nanos } => i128::from(*seconds) * 1_000_000_000 + i128::from(*nanos),
        _ => 0,
    }
}

/// The `Format` variant of the well-known string rule that is set, if any.
fn string_format(emit: &Emit<'_>) -> Option<TokenStream> {
    let w = emit.written;
    // The runtime's `Format` names its variants as the catalogue's `Format` does.
    for format in crate::catalogue::meaning::Format::ALL {
        if w.flag(format.rule_name()) {
            let v = format_ident!("{format:?}");
            return Some(quote!(#v));
        }
    }
    let strict = !matches!(w.get("strict"), Some(Value::Bool(false)));
    match w.get("well_known_regex") {
        Some(Value::Int(1)) => Some(quote!(HeaderName(#strict))),
        Some(Value::Int(2)) => Some(quote!(HeaderValue(#strict))),
        _ => None,
    }
}
