//! The checks of `repeated` and `map` rules, around the checks of their items, keys and
//! values (the shapes are protogate-rules' emitters; this side reads the element rules).

use protogate_rules::emit::{self, at_item, at_key, at_value, Facts, PgvSite};

use super::types::generic_arg;
use super::values::value_checks;
use super::*;

/// The checks of the element rules `items(…)`, `keys(…)` or `values(…)` on `value`, reported
/// at `at`.
fn element_checks(
    site: &PgvSite,
    at: &TokenStream,
    arg: &Arg,
    families: &[Family],
    ty: Option<&Type>,
) -> syn::Result<Option<TokenStream>> {
    let mut out = Vec::new();
    for family in families {
        let rules = Rules::new(family)?;
        if let Some(ty) = ty {
            check_type(family, ty)?;
        }
        if matches!(family.name.as_str(), "repeated" | "map") {
            return Err(syn::Error::new(
                family.span,
                format!(
                    "`{}` rules cannot apply to the {} of a collection",
                    family.name,
                    element_word(&arg.name)
                ),
            ));
        }
        if let Some(r) = rules.get("required") {
            return Err(syn::Error::new(
                r.ident.span(),
                format!(
                    "`required` cannot apply to the {}: they are always set",
                    element_word(&arg.name)
                ),
            ));
        }
        let checks = value_checks(site, Some(at), &rules)?;
        // A wrapper element's rules apply to its `value`, as on a field.
        match ty.and_then(wrapper_family) {
            Some(_) if is_scalar(&family.name) => out.extend(emit::unwrapped(checks)),
            _ => out.extend(checks),
        }
    }
    Ok((!out.is_empty()).then(|| quote!(#(#out)*)))
}

fn element_word(rule: &str) -> &'static str {
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
    let site = ctx.site();
    let items = match rules.nested("items") {
        Some((arg, families)) => {
            element_checks(&site, &at_item(), arg, families, generic_arg(ty, "Vec", 0))?
        }
        None => None,
    };
    let written = emit::Written::new(Dialect::Pgv, "repeated", &rules.written, Facts::default());
    let ident = &ctx.ident;
    Ok(emit::repeated(&site, &quote!(self.#ident), &written, items).unwrap_or_default())
}

pub(super) fn map_checks(
    ctx: &FieldCtx<'_>,
    rules: &Rules<'_>,
    ty: &Type,
) -> syn::Result<TokenStream> {
    let site = ctx.site();
    // `no_sparse` is satisfied by construction: a Rust map holds a value for every key.
    let map_arg = |i| generic_arg(ty, "HashMap", i).or_else(|| generic_arg(ty, "BTreeMap", i));
    let elements = |name: &str, at: TokenStream, index: usize| match rules.nested(name) {
        Some((arg, families)) => element_checks(&site, &at, arg, families, map_arg(index)),
        None => Ok(None),
    };
    let keys = elements("keys", at_key(), 0)?;
    let values = elements("values", at_value(), 1)?;
    let written = emit::Written::new(Dialect::Pgv, "map", &rules.written, Facts::default());
    let ident = &ctx.ident;
    Ok(emit::map(&site, &quote!(self.#ident), &written, keys, values).unwrap_or_default())
}
