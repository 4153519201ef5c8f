//! The checks of `duration` and `timestamp` rules.

use super::rules::lit_str;
use super::scalars::in_or_not_in;
use super::*;

/// A duration or timestamp literal as `Instant::new(seconds, nanos)`.
pub(super) fn instant(family: &str, name: &str, e: &Expr) -> syn::Result<TokenStream> {
    let text = lit_str(e, name).map_err(|_| {
        let example = if family == "timestamp" && name != "within" {
            "\"2023-05-10T12:00:00Z\""
        } else {
            "\"1.5s\""
        };
        syn::Error::new(
            e.span(),
            format!("`{name}` takes a string literal, e.g. `{name} = {example}`"),
        )
    })?;
    let parsed = if family == "timestamp" && name != "within" {
        time_lit::timestamp(&text.value())
    } else {
        time_lit::duration(&text.value())
    };
    let (s, n) = parsed.map_err(|msg| syn::Error::new(text.span(), msg))?;
    Ok(quote!(::protogate::rules::time::Instant::new(#s, #n)))
}

pub(super) fn time_checks(
    site: &Site<'_>,
    rules: &Rules<'_>,
    out: &mut Vec<TokenStream>,
) -> syn::Result<()> {
    let family = rules.family.name.as_str();
    let r = if family == "duration" {
        quote!(::protogate::rules::time::duration)
    } else {
        quote!(::protogate::rules::time::timestamp)
    };
    let lit = |name: &str| -> syn::Result<Option<TokenStream>> {
        rules
            .expr(name)?
            .map(|(_, e)| instant(family, name, e))
            .transpose()
    };
    let mut inner = Vec::new();
    if let Some(c) = lit("const")? {
        inner.push(site.check(quote!(#r::r#const(value, #c))));
    }
    let bound = |ex: &str, inc: &str| -> syn::Result<Option<TokenStream>> {
        let b = quote!(::protogate::rules::number::Bound);
        Ok(if let Some(e) = lit(ex)? {
            Some(quote!(::core::option::Option::Some(#b::exclusive(#e))))
        } else {
            lit(inc)?.map(|e| quote!(::core::option::Option::Some(#b::inclusive(#e))))
        })
    };
    let (lower, upper) = (bound("gt", "gte")?, bound("lt", "lte")?);
    let relative = ["lt_now", "gt_now", "within"];
    if lower.is_some() || upper.is_some() {
        let none = quote!(::core::option::Option::None);
        let (lower, upper) = (lower.unwrap_or_else(|| none.clone()), upper.unwrap_or(none));
        inner.push(site.check(quote!(#r::range(value, #lower, #upper))));
    } else if relative.iter().any(|n| rules.has(n)) {
        let (lt_now, gt_now) = (rules.flag("lt_now")?, rules.flag("gt_now")?);
        let within = match lit("within")? {
            Some(w) => quote!(::core::option::Option::Some(#w)),
            None => quote!(::core::option::Option::None),
        };
        inner.push(site.check(quote!(#r::relative(value, #lt_now, #gt_now, #within))));
    }
    if let Some((f, l)) = in_or_not_in(rules, |name, e| instant(family, name, e))? {
        inner.push(site.check(quote!(#r::#f(value, &[#(#l),*]))));
    }
    if !inner.is_empty() {
        let invalid = site.check(quote!(checked));
        out.push(quote! {
            {
                let value = ::protogate::rules::time::Instant::new(value.seconds, value.nanos);
                let checked = #r::valid(value);
                if checked.is_ok() { #(#inner)* } else { #invalid }
            }
        });
    }
    Ok(())
}
