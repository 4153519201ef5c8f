//! The comprehension macros as Rust iterator chains: `all`, `exists`, `exists_one`, `map`,
//! `filter`. With a predicate that may fail, the runtime's helpers keep CEL's rules (`all` is
//! false when any element is false, even if another errs; `exists` is true likewise).

use proc_macro2::TokenStream;
use quote::quote;

use super::{receiver, repr, result_of, rt, Compiler, Value};
use crate::ast::{Comprehension, MacroKind};
use crate::types::Type;
use crate::CelError;

impl Compiler<'_> {
    pub(super) fn comprehension(
        &mut self,
        c: &Comprehension,
        col: usize,
    ) -> Result<Value, CelError> {
        let range = self.value(&c.range)?;
        if range.failure.is_some() {
            return Ok(range);
        }
        let r = &receiver(&range.tokens);
        let rt = rt();
        let (element, items) = match &range.ty {
            Type::List(e) if **e == Type::Dyn => return Ok(empty_range(c.kind)),
            Type::List(e) => {
                let item = repr::normalize(e, &quote!(e), range.built);
                let items = repr::elements(r, &item);
                ((**e).clone(), items)
            }
            Type::Map(k, _) => {
                let key = repr::normalize(k, &quote!(k), false);
                ((**k).clone(), {
                    let m = &range.tokens;
                    quote!(#rt::MapValue::entries(#m).map(|(k, _)| #key))
                })
            }
            other => {
                return Err(CelError::check(
                    c.range.col,
                    format!("`{}` needs a list or a map, found {other}", c.kind.name()),
                ))
            }
        };
        let name = c.var.clone();
        let element_ty = element.clone();
        let (predicate, transform, ident) = self.with_local(&name, element, |this, ident| {
            let predicate = match &c.predicate {
                Some(p) => {
                    let value = this.value(p)?;
                    if value.ty != Type::Bool {
                        return Err(CelError::check(
                            p.col,
                            format!(
                                "the predicate of `{}` must be bool, found {}",
                                c.kind.name(),
                                value.ty
                            ),
                        ));
                    }
                    Some(value)
                }
                None => None,
            };
            let transform = c.transform.as_ref().map(|t| this.value(t)).transpose()?;
            Ok((predicate, transform, ident.clone()))
        })?;
        let _ = col;
        let fallible = predicate.as_ref().is_some_and(|p| p.fallible)
            || transform.as_ref().is_some_and(|t| t.fallible);
        let p = predicate
            .as_ref()
            .map(|p| p.tokens.clone())
            .unwrap_or_else(|| quote!(true));
        let x = &ident;
        let (ty, tokens) = if fallible {
            self.fallible_chain(
                c.kind,
                &items,
                x,
                &p,
                transform.as_ref(),
                predicate.is_some(),
            )
        } else {
            infallible_chain(
                c.kind,
                &items,
                x,
                &p,
                transform.as_ref(),
                predicate.is_some(),
            )
        };
        let ty = if c.kind == MacroKind::Filter {
            Type::list(element_ty)
        } else {
            ty
        };
        let mut value = Value {
            ty: ty.clone(),
            tokens,
            fallible: fallible || range.fallible,
            built: false,
            owned: false,
            failure: None,
        };
        if let Type::List(_) = &ty {
            value.built = true;
        }
        Ok(value)
    }

    fn fallible_chain(
        &self,
        kind: MacroKind,
        items: &TokenStream,
        x: &proc_macro2::Ident,
        p: &TokenStream,
        transform: Option<&Value>,
        has_predicate: bool,
    ) -> (Type, TokenStream) {
        let rt = rt();
        let rp = result_of(p);
        match kind {
            MacroKind::All => (Type::Bool, quote!(#rt::all(#items, |#x| #rp)?)),
            MacroKind::Exists => (Type::Bool, quote!(#rt::exists(#items, |#x| #rp)?)),
            MacroKind::ExistsOne => (Type::Bool, quote!(#rt::exists_one(#items, |#x| #rp)?)),
            MacroKind::Filter => (
                Type::list(element_of(items)),
                quote!(#rt::filter(#items, |#x| #rp)?),
            ),
            MacroKind::Map => {
                let (ty, t) = transform
                    .map(|t| (t.ty.clone(), t.tokens.clone()))
                    .unwrap_or((Type::Dyn, quote!(())));
                let rt_ = result_of(&t);
                let tokens = if has_predicate {
                    quote!(#rt::filter_map(#items, |#x| #rp, |#x| #rt_)?)
                } else {
                    quote!(#rt::map(#items, |#x| #rt_)?)
                };
                (Type::list(ty), tokens)
            }
        }
    }
}

/// The element type of a filtered list is the range's; the caller puts it in place of this.
fn element_of(_items: &TokenStream) -> Type {
    Type::Dyn
}

fn infallible_chain(
    kind: MacroKind,
    items: &TokenStream,
    x: &proc_macro2::Ident,
    p: &TokenStream,
    transform: Option<&Value>,
    has_predicate: bool,
) -> (Type, TokenStream) {
    let predicate = closure(x, p);
    match kind {
        MacroKind::All => (Type::Bool, quote!(#items.all(#predicate))),
        MacroKind::Exists => (Type::Bool, quote!(#items.any(#predicate))),
        MacroKind::ExistsOne => (Type::Bool, quote!(#items.filter(|&#x| #p).count() == 1)),
        MacroKind::Filter => (
            Type::list(element_of(items)),
            quote!(#items.filter(|&#x| #p).collect::<::std::vec::Vec<_>>()),
        ),
        MacroKind::Map => {
            let (ty, t) = transform
                .map(|t| (t.ty.clone(), t.tokens.clone()))
                .unwrap_or((Type::Dyn, quote!(())));
            let f = closure(x, &t);
            let tokens = if has_predicate {
                quote!(#items.filter(|&#x| #p).map(#f).collect::<::std::vec::Vec<_>>())
            } else {
                quote!(#items.map(#f).collect::<::std::vec::Vec<_>>())
            };
            (Type::list(ty), tokens)
        }
    }
}

/// `|x| body`, or the function itself when the body only calls one on `x` (`str::trim`).
fn closure(x: &proc_macro2::Ident, body: &TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let trees: Vec<TokenTree> = body.clone().into_iter().collect();
    if let Some((TokenTree::Group(args), path)) = trees.split_last() {
        let is_path = !path.is_empty()
            && path.iter().all(|t| match t {
                TokenTree::Ident(_) => true,
                TokenTree::Punct(p) => p.as_char() == ':',
                _ => false,
            });
        if is_path && args.delimiter() == Delimiter::Parenthesis && *x == args.stream().to_string()
        {
            return path.iter().cloned().collect();
        }
    }
    quote!(|#x| #body)
}

/// A comprehension over an empty list literal: its result without evaluating the body.
fn empty_range(kind: MacroKind) -> Value {
    match kind {
        MacroKind::All => Value::new(Type::Bool, quote!(true)),
        MacroKind::Exists | MacroKind::ExistsOne => Value::new(Type::Bool, quote!(false)),
        MacroKind::Map | MacroKind::Filter => Value::new(Type::list(Type::Dyn), quote!([(); 0])),
    }
}
