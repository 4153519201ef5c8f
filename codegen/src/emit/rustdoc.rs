//! Makes proto comments safe as rustdoc: code in a comment is another language's, so it must
//! never become a doctest. Indented blocks and bare fences are marked as `text`.

use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Expr, ExprLit, Lit, Meta};

/// Rewrites every doc comment in `file`.
pub fn sanitize(file: &mut syn::File) {
    Sanitizer.visit_file_mut(file);
}

struct Sanitizer;

macro_rules! visit_attrs {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(
            fn $method(&mut self, node: &mut $ty) {
                fix(&mut node.attrs);
                visit_mut::$method(self, node);
            }
        )*
    };
}

impl VisitMut for Sanitizer {
    visit_attrs! {
        visit_item_struct_mut: syn::ItemStruct,
        visit_item_enum_mut: syn::ItemEnum,
        visit_item_mod_mut: syn::ItemMod,
        visit_item_trait_mut: syn::ItemTrait,
        visit_item_fn_mut: syn::ItemFn,
        visit_item_static_mut: syn::ItemStatic,
        visit_item_const_mut: syn::ItemConst,
        visit_item_impl_mut: syn::ItemImpl,
        visit_field_mut: syn::Field,
        visit_variant_mut: syn::Variant,
        visit_trait_item_fn_mut: syn::TraitItemFn,
        visit_impl_item_fn_mut: syn::ImplItemFn,
    }
}

fn doc_text(attr: &Attribute) -> Option<String> {
    if !attr.path().is_ident("doc") {
        return None;
    }
    match &attr.meta {
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

fn fix(attrs: &mut Vec<Attribute>) {
    let docs: Vec<(usize, String)> = attrs
        .iter()
        .enumerate()
        .filter_map(|(i, a)| doc_text(a).map(|t| (i, t)))
        .collect();
    if docs.is_empty() {
        return;
    }
    let lines: Vec<String> = docs
        .iter()
        .flat_map(|(_, t)| t.split('\n').map(str::to_string).collect::<Vec<_>>())
        .collect();
    let fixed = fence_code(&lines);
    if fixed == lines {
        return;
    }
    let first = docs[0].0;
    let new_attrs: Vec<Attribute> = fixed
        .iter()
        .map(|line| syn::parse_quote!(#[doc = #line]))
        .collect();
    let mut out = Vec::with_capacity(attrs.len() + new_attrs.len());
    for (i, a) in attrs.drain(..).enumerate() {
        if i == first {
            out.extend(new_attrs.iter().cloned());
        }
        if doc_text(&a).is_none() {
            out.push(a);
        }
    }
    *attrs = out;
}

/// Marks indented code blocks and bare fences as `text`.
pub fn fence_code(lines: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut in_fence = false;
    let mut in_indented = false;
    let mut prev_blank = true;
    for line in lines {
        let body = line.strip_prefix(' ').unwrap_or(line);
        let trimmed = body.trim_start();
        if trimmed.starts_with("```") {
            if !in_fence && trimmed.trim_end() == "```" {
                out.push(format!(" {}```text", &body[..body.len() - trimmed.len()]));
            } else {
                out.push(line.clone());
            }
            in_fence = !in_fence;
            prev_blank = false;
            continue;
        }
        if in_fence {
            out.push(line.clone());
            continue;
        }
        let indented = (body.starts_with("    ") || body.starts_with('\t')) && !trimmed.is_empty();
        if indented && (prev_blank || in_indented) {
            if !in_indented {
                out.push(" ```text".to_string());
                in_indented = true;
            }
            out.push(format!(
                " {}",
                body.trim_start_matches('\t')
                    .strip_prefix("    ")
                    .unwrap_or(body)
            ));
            prev_blank = false;
            continue;
        }
        if in_indented && !trimmed.is_empty() {
            out.push(" ```".to_string());
            in_indented = false;
        }
        if in_indented && trimmed.is_empty() {
            out.push(" ```".to_string());
            in_indented = false;
        }
        out.push(line.clone());
        prev_blank = trimmed.is_empty();
    }
    if in_indented {
        out.push(" ```".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &[&str]) -> Vec<String> {
        s.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn indented_blocks_become_text_fences() {
        let got = fence_code(&lines(&[" Example:", "", "     GET /v1/books", " done"]));
        assert_eq!(
            got,
            lines(&[
                " Example:",
                "",
                " ```text",
                " GET /v1/books",
                " ```",
                " done"
            ])
        );
    }

    #[test]
    fn bare_fences_get_a_language() {
        let got = fence_code(&lines(&[" ```", " x = 1", " ```"]));
        assert_eq!(got, lines(&[" ```text", " x = 1", " ```"]));
        let kept = lines(&[" ```json", " {}", " ```"]);
        assert_eq!(fence_code(&kept), kept);
    }
}
