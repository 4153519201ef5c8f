//! The checks of the scalar families (string, bytes, bool, enum, the numbers, any) and of
//! embedded messages on one value.

use super::rules::{lit_str, opt, wrap_if};
use super::time::time_checks;
use super::*;

/// The checks of a value family on `value` (a reference), in the generator's order.
pub(super) fn value_checks(site: &Site<'_>, rules: &Rules<'_>) -> syn::Result<Vec<TokenStream>> {
    let family = rules.family.name.as_str();
    let mut out = Vec::new();
    match family {
        "string" => string_checks(site, rules, &mut out)?,
        "bytes" => bytes_checks(site, rules, &mut out)?,
        "bool" => {
            if rules.has("const") {
                let b = rules.flag("const")?;
                out.push(site.check(quote!(::protogate::rules::number::r#const(
                    "bool", value, #b
                ))));
            }
            if !out.is_empty() {
                out = vec![quote!({ let value = *value; #(#out)* })];
            }
        }
        "enum" => enum_checks(site, rules, &mut out)?,
        f if is_number_family(f) => number_checks(site, rules, &mut out)?,
        "duration" | "timestamp" => time_checks(site, rules, &mut out)?,
        "any" => {
            let r = quote!(::protogate::rules::message);
            if let Some((f, l)) =
                in_or_not_in(rules, |name, e| lit_str(e, name).map(|s| quote!(#s)))?
            {
                let f = match f {
                    InOrNotIn::In => quote!(any_in),
                    InOrNotIn::NotIn => quote!(any_not_in),
                };
                out.push(site.check(quote!(#r::#f(&value.type_url, &[#(#l),*]))));
            }
        }
        "message" if !rules.flag("skip")? => out.push(site.embedded()),
        _ => {}
    }
    Ok(out)
}

pub(super) fn string_checks(
    site: &Site<'_>,
    rules: &Rules<'_>,
    out: &mut Vec<TokenStream>,
) -> syn::Result<()> {
    let r = quote!(::protogate::rules::string);
    let runes = lengths(
        site,
        rules,
        &r,
        ["len", "min_len", "max_len"],
        ["len", "len_range"],
    )?;
    let bytes = lengths(
        site,
        rules,
        &r,
        ["len_bytes", "min_bytes", "max_bytes"],
        ["len_bytes", "bytes_range"],
    )?;
    if let Some(c) = rules.text("const")? {
        out.push(site.check(quote!(#r::r#const(value, #c))));
    }
    if let Some((f, l)) = in_or_not_in(rules, |name, e| lit_str(e, name).map(|s| quote!(#s)))? {
        out.push(site.check(quote!(#r::#f(value, &[#(#l),*]))));
    }
    out.extend(runes);
    out.extend(bytes);
    out.extend(affixes(
        site,
        rules,
        &r,
        &["prefix", "suffix", "contains", "not_contains"],
        |name, e| lit_str(e, name).map(|s| quote!(#s)),
    )?);
    for known in [
        "ip", "ipv4", "ipv6", "email", "hostname", "address", "uri", "uri_ref", "uuid",
    ] {
        if rules.flag(known)? {
            let f = syn::Ident::new(known, Span::call_site());
            out.push(site.check(quote!(#r::#f(value))));
        }
    }
    if let Some((_, e)) = rules.expr("well_known_regex")? {
        let name = match e {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => s.value(),
            Expr::Path(p) => p
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default(),
            _ => String::new(),
        };
        let kind = match name.as_str() {
            "HTTP_HEADER_NAME" => quote!(#r::KnownRegex::HttpHeaderName),
            "HTTP_HEADER_VALUE" => quote!(#r::KnownRegex::HttpHeaderValue),
            _ => {
                return Err(syn::Error::new(
                    e.span(),
                    "`well_known_regex` is `HTTP_HEADER_NAME` or `HTTP_HEADER_VALUE`",
                ))
            }
        };
        let strict = !rules.has("strict") || rules.flag("strict")?;
        out.push(site.check(quote!(#r::well_known_regex(value, #kind, #strict))));
    }
    if let Some(p) = rules.text("pattern")? {
        out.push(pattern(site, &p, quote!(#r::pattern(value, &PATTERN))));
    }
    wrap_if(out, rules.flag("ignore_empty")?, quote!(!value.is_empty()));
    Ok(())
}

/// A length family (`len` alone, or `min`/`max`): its check, calling `exact` or `range` of the
/// runtime module `r` (PGV ignores the bounds when `len` is set, so together they are an error
/// from protogate-rules).
pub(super) fn lengths(
    site: &Site<'_>,
    rules: &Rules<'_>,
    r: &TokenStream,
    [len, min, max]: [&str; 3],
    [exact, range]: [&str; 2],
) -> syn::Result<Option<TokenStream>> {
    let (lo, hi) = rules.range(min, max)?;
    let (exact, range) = (
        syn::Ident::new(exact, Span::call_site()),
        syn::Ident::new(range, Span::call_site()),
    );
    Ok(match (rules.int(len)?, lo, hi) {
        (Some(n), ..) => Some(site.check(quote!(#r::#exact(value, #n)))),
        (None, None, None) => None,
        (None, lo, hi) => {
            let (lo, hi) = (opt(lo), opt(hi));
            Some(site.check(quote!(#r::#range(value, #lo, #hi))))
        }
    })
}

/// `prefix`, `suffix`, `contains` (and `not_contains`), each with its literal from `literal`.
pub(super) fn affixes(
    site: &Site<'_>,
    rules: &Rules<'_>,
    r: &TokenStream,
    names: &[&str],
    literal: impl Fn(&str, &Expr) -> syn::Result<TokenStream>,
) -> syn::Result<Vec<TokenStream>> {
    let mut out = Vec::new();
    for &affix in names {
        let Some((_, e)) = rules.expr(affix)? else {
            continue;
        };
        let lit = literal(affix, e)?;
        let f = syn::Ident::new(affix, e.span());
        out.push(site.check(quote!(#r::#f(value, #lit))));
    }
    Ok(out)
}

/// A pattern check, its regex compiled once (its syntax is checked by protogate-rules).
pub(super) fn pattern(site: &Site<'_>, p: &LitStr, call: TokenStream) -> TokenStream {
    let check = site.check(call);
    quote! {
        {
            static PATTERN: ::protogate::rules::Pattern = ::protogate::rules::Pattern::new(#p);
            #check
        }
    }
}

pub(super) fn bytes_lit(e: &Expr, name: &str) -> syn::Result<TokenStream> {
    let bytes = match e {
        Expr::Lit(syn::ExprLit {
            lit: Lit::ByteStr(b),
            ..
        }) => b.value(),
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => s.value().into_bytes(),
        _ => {
            return Err(syn::Error::new(
                e.span(),
                format!("`{name}` takes a byte string (b\"…\") or a string literal"),
            ))
        }
    };
    let lit = Literal::byte_string(&bytes);
    Ok(quote_spanned!(e.span()=> &#lit[..]))
}

pub(super) fn bytes_checks(
    site: &Site<'_>,
    rules: &Rules<'_>,
    out: &mut Vec<TokenStream>,
) -> syn::Result<()> {
    let r = quote!(::protogate::rules::bytes);
    let lengths = lengths(
        site,
        rules,
        &r,
        ["len", "min_len", "max_len"],
        ["len", "len_range"],
    )?;
    out.extend(lengths);
    out.extend(affixes(
        site,
        rules,
        &r,
        &["prefix", "suffix", "contains"],
        |name, e| bytes_lit(e, name),
    )?);
    if let Some((f, l)) = in_or_not_in(rules, |name, e| bytes_lit(e, name))? {
        out.push(site.check(quote!(#r::#f(value, &[#(#l),*]))));
    }
    if let Some((_, e)) = rules.expr("const")? {
        let b = bytes_lit(e, "const")?;
        out.push(site.check(quote!(#r::r#const(value, #b))));
    }
    for known in ["ip", "ipv4", "ipv6"] {
        if rules.flag(known)? {
            let f = syn::Ident::new(known, Span::call_site());
            out.push(site.check(quote!(#r::#f(value))));
        }
    }
    if let Some(p) = rules.text("pattern")? {
        out.push(pattern(site, &p, quote!(#r::pattern(value, &PATTERN))));
    }
    wrap_if(out, rules.flag("ignore_empty")?, quote!(!value.is_empty()));
    Ok(())
}

/// The Rust type of a numeric family's values.
pub(super) fn number_type(family: &str) -> &'static str {
    match family {
        "float" => "f32",
        "double" => "f64",
        "int32" | "sint32" | "sfixed32" | "enum" => "i32",
        "int64" | "sint64" | "sfixed64" => "i64",
        "uint32" | "fixed32" => "u32",
        _ => "u64",
    }
}

/// A bound or list item of a numeric family as a literal of the family's type. Literals are
/// range-checked here; any other expression (a constant, `f64::INFINITY`) is left to rustc.
pub(super) fn number(family: &str, name: &str, e: &Expr) -> syn::Result<TokenStream> {
    let ty = number_type(family);
    let (negative, lit) = match e {
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => (true, &l.lit),
            _ => return Ok(quote!(#e)),
        },
        Expr::Lit(l) => (false, &l.lit),
        _ => return Ok(quote!(#e)),
    };
    let sign = if negative { quote!(-) } else { quote!() };
    let span = e.span();
    let out_of_range = |shown: String| {
        syn::Error::new_spanned(
            e,
            format!("`{name}`: {shown} is out of range for `{family}` ({ty})"),
        )
    };
    let mut literal = match (ty, lit) {
        ("f32" | "f64", Lit::Int(_) | Lit::Float(_)) => {
            let v: f64 = match lit {
                Lit::Int(i) => i.base10_parse()?,
                Lit::Float(f) => f.base10_parse()?,
                _ => 0.0,
            };
            if ty == "f32" {
                if (v as f32).is_infinite() {
                    return Err(out_of_range(format!(
                        "{}{v}",
                        if negative { "-" } else { "" }
                    )));
                }
                Literal::f32_suffixed(v as f32)
            } else {
                Literal::f64_suffixed(v)
            }
        }
        (_, Lit::Int(i)) => {
            let v: i128 = i.base10_parse()?;
            let v = if negative { -v } else { v };
            let fits = match ty {
                "i32" => i32::try_from(v).is_ok(),
                "i64" => i64::try_from(v).is_ok(),
                "u32" => u32::try_from(v).is_ok(),
                _ => u64::try_from(v).is_ok(),
            };
            if !fits {
                return Err(out_of_range(v.to_string()));
            }
            // The sign is a separate token: rustc accepts `-2147483648i32` as a whole.
            format!("{}{ty}", v.unsigned_abs())
                .parse::<Literal>()
                .map_err(|_| out_of_range(v.to_string()))?
        }
        (_, Lit::Float(_)) => {
            return Err(syn::Error::new_spanned(
                e,
                format!("`{name}` takes an integer for `{family}`"),
            ))
        }
        _ => {
            return Err(syn::Error::new_spanned(
                e,
                format!("`{name}` takes a number for `{family}`"),
            ))
        }
    };
    literal.set_span(span);
    Ok(quote_spanned!(span=> #sign #literal))
}

pub(super) fn number_checks(
    site: &Site<'_>,
    rules: &Rules<'_>,
    out: &mut Vec<TokenStream>,
) -> syn::Result<()> {
    let family = rules.family.name.as_str();
    let r = quote!(::protogate::rules::number);
    let lit = |name: &str| -> syn::Result<Option<TokenStream>> {
        rules
            .expr(name)?
            .map(|(_, e)| number(family, name, e))
            .transpose()
    };
    if let Some(c) = lit("const")? {
        out.push(site.check(quote!(#r::r#const(#family, value, #c))));
    }
    let bound = |ex: &str, inc: &str| -> syn::Result<TokenStream> {
        Ok(if let Some(e) = lit(ex)? {
            quote!(::core::option::Option::Some(#r::Bound::exclusive(#e)))
        } else if let Some(e) = lit(inc)? {
            quote!(::core::option::Option::Some(#r::Bound::inclusive(#e)))
        } else {
            quote!(::core::option::Option::None)
        })
    };
    if ["gt", "gte", "lt", "lte"].iter().any(|n| rules.has(n)) {
        let (lower, upper) = (bound("gt", "gte")?, bound("lt", "lte")?);
        out.push(site.check(quote!(#r::range(#family, value, #lower, #upper))));
    }
    number_lists(site, rules, family, out)?;
    wrap_if(out, rules.flag("ignore_empty")?, {
        // Typed: `value != Default::default()` is ambiguous next to other `PartialEq` impls.
        let ty = syn::Ident::new(number_type(family), Span::call_site());
        quote!(value != <#ty as ::core::default::Default>::default())
    });
    if !out.is_empty() {
        *out = vec![quote!({ let value = *value; #(#out)* })];
    }
    Ok(())
}

/// `in`, or else `not_in` (PGV checks `not_in` only without `in`): which of the two, and the
/// list's items.
pub(super) fn in_or_not_in(
    rules: &Rules<'_>,
    item: impl Fn(&str, &Expr) -> syn::Result<TokenStream>,
) -> syn::Result<Option<(InOrNotIn, Vec<TokenStream>)>> {
    for (name, which) in [("in", InOrNotIn::In), ("not_in", InOrNotIn::NotIn)] {
        if let Some(list) = rules.list(name)? {
            let items = list
                .into_iter()
                .map(|e| item(name, e))
                .collect::<syn::Result<Vec<_>>>()?;
            return Ok(Some((which, items)));
        }
    }
    Ok(None)
}

#[derive(Clone, Copy)]
pub(super) enum InOrNotIn {
    In,
    NotIn,
}

impl quote::ToTokens for InOrNotIn {
    /// The runtime function's name in the scalar rule modules.
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            InOrNotIn::In => quote!(r#in),
            InOrNotIn::NotIn => quote!(not_in),
        });
    }
}

/// `in` or `not_in` of a numeric or enum family.
pub(super) fn number_lists(
    site: &Site<'_>,
    rules: &Rules<'_>,
    family: &str,
    out: &mut Vec<TokenStream>,
) -> syn::Result<()> {
    let r = quote!(::protogate::rules::number);
    if let Some((f, l)) = in_or_not_in(rules, |name, e| number(family, name, e))? {
        out.push(site.check(quote!(#r::#f(#family, value, &[#(#l),*]))));
    }
    Ok(())
}

pub(super) fn enum_checks(
    site: &Site<'_>,
    rules: &Rules<'_>,
    out: &mut Vec<TokenStream>,
) -> syn::Result<()> {
    let r = quote!(::protogate::rules::number);
    if let Some((_, e)) = rules.expr("const")? {
        let c = number("enum", "const", e)?;
        out.push(site.check(quote!(#r::r#const("enum", value, #c))));
    }
    number_lists(site, rules, "enum", out)?;
    match rules.get("defined_only") {
        None => {}
        Some(Arg {
            value: ArgValue::Expr(e),
            ..
        }) if matches!(&**e, Expr::Path(_)) => {
            out.push(site.check(quote!(::protogate::rules::message::defined_only(
            <#e as ::core::convert::TryFrom<i32>>::try_from(value).is_ok()
                    ))));
        }
        Some(arg) => return Err(syn::Error::new(
            match &arg.value {
                ArgValue::Expr(e) => e.span(),
                _ => arg.ident.span(),
            },
            "`defined_only` names the enum type, e.g. `defined_only = Color` (a prost enumeration)",
        )),
    }
    if !out.is_empty() {
        *out = vec![quote! {
            { let value: i32 = ::core::convert::Into::<i32>::into(*value); #(#out)* }
        }];
    }
    Ok(())
}
