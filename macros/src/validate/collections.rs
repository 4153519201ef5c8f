//! The checks of `repeated` and `map` rules, and of the rules of their items, keys and values.

use super::rules::{opt, wrap_if};
use super::types::generic_arg;
use super::*;

/// The checks of the element rules `items(…)`, `keys(…)` or `values(…)` on `value`.
pub(super) fn element_checks(
    site: &Site<'_>,
    arg: &Arg,
    families: &[Family],
    ty: Option<&Type>,
) -> syn::Result<Vec<TokenStream>> {
    let mut out = Vec::new();
    for family in families {
        let rules = Rules::new(family)?;
        if let Some(ty) = ty {
            check_type(family, ty)?;
        }
        match family.name.as_str() {
            "repeated" | "map" => {
                return Err(syn::Error::new(
                    family.span,
                    format!(
                        "`{}` rules cannot apply to the {} of a collection",
                        family.name,
                        element_word(&arg.name)
                    ),
                ))
            }
            _ => {
                if let Some(r) = rules.get("required") {
                    return Err(syn::Error::new(
                        r.ident.span(),
                        format!(
                            "`required` cannot apply to the {}: they are always set",
                            element_word(&arg.name)
                        ),
                    ));
                }
            }
        }
        let body = value_checks(site, &rules)?;
        let span = family.span;
        out.extend(body.into_iter().map(|b| quote_spanned!(span=> #b)));
    }
    Ok(out)
}

pub(super) fn element_word(rule: &str) -> &'static str {
    match rule {
        "items" => "items",
        "keys" => "keys",
        _ => "values",
    }
}

pub(super) fn repeated_checks(
    ctx: &FieldCtx<'_>,
    rules: &Rules<'_>,
    ty: &Type,
) -> syn::Result<TokenStream> {
    let site = ctx.site(None);
    let ident = &ctx.ident;
    let mut out = Vec::new();
    if rules.has("min_items") || rules.has("max_items") {
        let (min, max) = rules.range("min_items", "max_items")?;
        let (min, max) = (opt(min), opt(max));
        out.push(site.check(quote!(
            ::protogate::rules::collection::repeated::items(values.len(), #min, #max)
        )));
    }
    let item_site = ctx.site(Some(quote!(::protogate::validate::At::Item(index))));
    let mut per_item = Vec::new();
    if rules.flag("unique")? {
        per_item.push(item_site.check(quote!(
            ::protogate::rules::collection::repeated::unique_at(values, index)
        )));
    }
    let mut uses_value = false;
    if let Some((arg, families)) = rules.nested("items") {
        let checks = element_checks(&item_site, arg, families, generic_arg(ty, "Vec", 0))?;
        uses_value = !checks.is_empty();
        per_item.extend(checks);
    }
    if !per_item.is_empty() {
        out.push(if uses_value {
            quote! { for (index, value) in values.iter().enumerate() { #(#per_item)* } }
        } else {
            quote! { for index in 0..values.len() { #(#per_item)* } }
        });
    }
    wrap_if(
        &mut out,
        rules.flag("ignore_empty")?,
        quote!(!values.is_empty()),
    );
    if out.is_empty() {
        return Ok(TokenStream::new());
    }
    Ok(quote!({ let values = &self.#ident; #(#out)* }))
}

pub(super) fn map_checks(
    ctx: &FieldCtx<'_>,
    rules: &Rules<'_>,
    ty: &Type,
) -> syn::Result<TokenStream> {
    let site = ctx.site(None);
    let ident = &ctx.ident;
    let mut out = Vec::new();
    if rules.has("min_pairs") || rules.has("max_pairs") {
        let (min, max) = rules.range("min_pairs", "max_pairs")?;
        let (min, max) = (opt(min), opt(max));
        out.push(site.check(quote!(
            ::protogate::rules::collection::map::pairs(values.len(), #min, #max)
        )));
    }
    // `no_sparse` is satisfied by construction: a Rust map holds a value for every key.
    rules.flag("no_sparse")?;
    let map_arg = |i| generic_arg(ty, "HashMap", i).or_else(|| generic_arg(ty, "BTreeMap", i));
    let key_site = ctx.site(Some(quote!(::protogate::validate::At::Key(key.into()))));
    let value_site = ctx.site(Some(quote!(::protogate::validate::At::Value(key.into()))));
    let key_checks = match rules.nested("keys") {
        Some((arg, families)) => element_checks(&key_site, arg, families, map_arg(0))?,
        None => Vec::new(),
    };
    let value_checks = match rules.nested("values") {
        Some((arg, families)) => element_checks(&value_site, arg, families, map_arg(1))?,
        None => Vec::new(),
    };
    let keys = (!key_checks.is_empty()).then(|| quote!({ let value = key; #(#key_checks)* }));
    match (keys, value_checks.is_empty()) {
        (None, true) => {}
        (keys, false) => out.push(quote! {
            for (key, value) in values.iter() { #keys #(#value_checks)* }
        }),
        (Some(keys), true) => out.push(quote! { for key in values.keys() { #keys } }),
    }
    wrap_if(
        &mut out,
        rules.flag("ignore_empty")?,
        quote!(!values.is_empty()),
    );
    if out.is_empty() {
        return Ok(TokenStream::new());
    }
    Ok(quote!({ let values = &self.#ident; #(#out)* }))
}
