//! PGV's `repeated` and `map` rules on a collection, around the checks of its items, keys and
//! values (which the caller produces, since whether an element recurses into a message or
//! unwraps a wrapper depends on its type).

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

use super::literals::opt_u64;
use super::{at_item, Site, Written};

/// The checks of PGV's `repeated` rules on the list `list` (an expression), with `items` the
/// checks of one item bound to `value`, reported at [`at_item`] (`index` is its position).
pub fn repeated(
    site: &dyn Site,
    list: &TokenStream,
    written: &Written<'_>,
    items: Option<TokenStream>,
) -> Option<TokenStream> {
    let count = quote!(::protogate::rules::collection::repeated::items);
    let mut out: Vec<TokenStream> = size(site, written, ["min_items", "max_items"], count)
        .into_iter()
        .collect();
    let at = at_item();
    let mut per_item = Vec::new();
    if written.flag("unique") {
        per_item.push(site.check(
            quote!(::protogate::rules::collection::repeated::unique_at(
                values, index
            )),
            Some(&at),
        ));
    }
    per_item.extend(items);
    if !per_item.is_empty() {
        let body = quote!(#(#per_item)*);
        out.push(if mentions(&body, "value") {
            quote! { for (index, value) in values.iter().enumerate() { #body } }
        } else {
            quote! { for index in 0..values.len() { #body } }
        });
    }
    bind(list, written, out)
}

/// The checks of PGV's `map` rules on the map `map` (an expression), with `keys` the checks
/// of one key and `values` of one value, each bound to `value`.
pub fn map(
    site: &dyn Site,
    map: &TokenStream,
    written: &Written<'_>,
    keys: Option<TokenStream>,
    values: Option<TokenStream>,
) -> Option<TokenStream> {
    let count = quote!(::protogate::rules::collection::map::pairs);
    let mut out: Vec<TokenStream> = size(site, written, ["min_pairs", "max_pairs"], count)
        .into_iter()
        .collect();
    let keys = keys.map(|body| quote! { { let value = key; #body } });
    match (keys, values) {
        (None, None) => {}
        (keys, Some(values_body)) => out.push(quote! {
            for (key, value) in values.iter() { #keys #values_body }
        }),
        (Some(keys), None) => out.push(quote! { for key in values.keys() { #keys } }),
    }
    bind(map, written, out)
}

/// The check of a collection's size by `count(len, min, max)`, when a bound is written.
fn size(
    site: &dyn Site,
    written: &Written<'_>,
    [min, max]: [&str; 2],
    count: TokenStream,
) -> Option<TokenStream> {
    let (min, max) = (written.get(min), written.get(max));
    if min.is_none() && max.is_none() {
        return None;
    }
    let (min, max) = (opt_u64(min), opt_u64(max));
    Some(site.check(quote!(#count(values.len(), #min, #max)), None))
}

/// `{ let values = &collection; … }`, skipped for an empty collection under `ignore_empty`.
fn bind(
    collection: &TokenStream,
    written: &Written<'_>,
    out: Vec<TokenStream>,
) -> Option<TokenStream> {
    if out.is_empty() {
        return None;
    }
    let body = quote!(#(#out)*);
    let body = if written.flag("ignore_empty") {
        quote!(if !values.is_empty() { #body })
    } else {
        body
    };
    Some(quote! { { let values = &#collection; #body } })
}

/// Whether the tokens use the identifier `name` (so a loop binds it only when needed).
pub fn mentions(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == name,
        TokenTree::Group(g) => mentions(&g.stream(), name),
        _ => false,
    })
}
