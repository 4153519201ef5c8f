//! Equality and ordering. Equality needs operands of one type (a wrapper equals its primitive
//! or `null`); ordering also crosses `int`, `uint` and `double`, as protovalidate's CEL
//! configuration allows. Ordering NaN is an error, as in CEL's reference implementation.

use proc_macro2::TokenStream;
use quote::quote;

use super::{atom, operand, receiver, repr, rt, Value};
use crate::types::Type;
use crate::CelError;

/// A Rust `bool` expression (never failing): whether `a == b`.
pub(crate) fn equals(a: &Value, b: &Value, col: usize) -> Result<TokenStream, CelError> {
    let (x, y) = (&a.tokens, &b.tokens);
    let (ax, ay) = (&atom(x), &atom(y));
    Ok(match (&a.ty, &b.ty) {
        (Type::Null, Type::Null) => quote!(true),
        (Type::Wrapper(_), Type::Null) => quote!(#ax.is_none()),
        (Type::Null, Type::Wrapper(_)) => quote!(#ay.is_none()),
        (Type::Message(_), Type::Null) | (Type::Null, Type::Message(_)) => quote!(false),
        (Type::Wrapper(inner), other) | (other, Type::Wrapper(inner))
            if !matches!(other, Type::Wrapper(_)) && **inner == *other =>
        {
            let (wrapped, plain) = if matches!(a.ty, Type::Wrapper(_)) {
                (x, y)
            } else {
                (y, x)
            };
            let inner_value = Value::new((**inner).clone(), quote!(inner));
            let plain_value = Value::new(other.clone(), quote!(plain));
            let eq = equals(&inner_value, &plain_value, col)?;
            quote!(match (#wrapped, #plain) { (Some(inner), plain) => #eq, (None, _) => false })
        }
        (Type::String, Type::String) | (Type::Bytes, Type::Bytes) | (Type::Type, Type::Type)
            if a.owned || b.owned =>
        {
            quote!(*#ax == *#ay)
        }
        (Type::String, Type::String) | (Type::Bytes, Type::Bytes) | (Type::Type, Type::Type) => {
            match (x.to_string().as_str(), y.to_string().as_str()) {
                ("\"\"", _) => {
                    let other = receiver(y);
                    quote!(#other.is_empty())
                }
                (_, "\"\"") => {
                    let other = receiver(x);
                    quote!(#other.is_empty())
                }
                _ => {
                    let (ox, oy) = unborrowed_pair(x, y);
                    quote!(#ox == #oy)
                }
            }
        }
        (Type::List(ea), Type::List(eb)) if ea.accepts(eb) => list_equals(a, b, ea, eb, col)?,
        (Type::Map(ka, va), Type::Map(kb, vb)) if ka.accepts(kb) && va.accepts(vb) => {
            map_equals(a, b, col)?
        }
        (l, r) if l == r && !matches!(l, Type::Dyn) => {
            let (ox, oy) = unborrowed_pair(x, y);
            quote!(#ox == #oy)
        }
        (l, r) => {
            return Err(CelError::check(
                col,
                format!("found no matching overload for `_==_` applied to ({l}, {r})"),
            ))
        }
    })
}

fn list_equals(
    a: &Value,
    b: &Value,
    ea: &Type,
    eb: &Type,
    col: usize,
) -> Result<TokenStream, CelError> {
    let (x, y) = (&a.tokens, &b.tokens);
    if *ea == Type::Dyn || *eb == Type::Dyn {
        return Ok(quote!({ let (a, b) = (#x, #y); a.len() == b.len() }));
    }
    let left = Value::new(ea.clone(), repr::normalize(ea, &quote!(x), a.built));
    let right = Value::new(eb.clone(), repr::normalize(eb, &quote!(y), b.built));
    let eq = equals(&left, &right, col)?;
    Ok(quote!({
        let (a, b) = (#x, #y);
        a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| #eq)
    }))
}

/// Same size, and every entry of `a` has its key in `b` with an equal value.
fn map_equals(a: &Value, b: &Value, col: usize) -> Result<TokenStream, CelError> {
    let rt = rt();
    let (x, y) = (&a.tokens, &b.tokens);
    let (Type::Map(ka, va), Type::Map(kb, vb)) = (&a.ty, &b.ty) else {
        return Ok(quote!(false));
    };
    if [ka, va, kb, vb].iter().any(|t| ***t == Type::Dyn) {
        return Ok(quote!(#rt::MapValue::len(#x) == #rt::MapValue::len(#y)));
    }
    let key_a = Value::new((**ka).clone(), repr::normalize(ka, &quote!(ka), false));
    let key_b = Value::new((**kb).clone(), repr::normalize(kb, &quote!(kb), false));
    let value_a = Value::new((**va).clone(), repr::normalize(va, &quote!(va), false));
    let value_b = Value::new((**vb).clone(), repr::normalize(vb, &quote!(vb), false));
    let (keq, veq) = (
        equals(&key_a, &key_b, col)?,
        equals(&value_a, &value_b, col)?,
    );
    Ok(quote!({
        let (a, b) = (#x, #y);
        #rt::MapValue::len(a) == #rt::MapValue::len(b)
            && #rt::MapValue::entries(a)
                .all(|(ka, va)| #rt::MapValue::entries(b).any(|(kb, vb)| #keq && #veq))
    }))
}

/// A Rust `bool` expression: whether `a <op> b`, `op` one of `<`, `<=`, `>`, `>=`; and whether
/// it can fail (comparisons involving a double fail on NaN).
pub(crate) fn ordering(
    op: &str,
    a: &Value,
    b: &Value,
    col: usize,
) -> Result<(TokenStream, bool), CelError> {
    let (x, y) = (&a.tokens, &b.tokens);
    let (ax, ay) = (&atom(x), &atom(y));
    let rt = rt();
    let op_tokens: TokenStream = op.parse().unwrap_or_default();
    let (cmp, swapped, fails) = match (&a.ty, &b.ty) {
        (Type::Int, Type::Uint) => (quote!(#rt::cmp_int_uint(#x, #y)), false, false),
        (Type::Uint, Type::Int) => (quote!(#rt::cmp_int_uint(#y, #x)), true, false),
        (Type::Double, Type::Double) => (quote!(#rt::cmp_double(#x, #y)?), false, true),
        (Type::Int, Type::Double) => (quote!(#rt::cmp_int_double(#x, #y)?), false, true),
        (Type::Double, Type::Int) => (quote!(#rt::cmp_int_double(#y, #x)?), true, true),
        (Type::Uint, Type::Double) => (quote!(#rt::cmp_uint_double(#x, #y)?), false, true),
        (Type::Double, Type::Uint) => (quote!(#rt::cmp_uint_double(#y, #x)?), true, true),
        (Type::String, Type::String) | (Type::Bytes, Type::Bytes) if a.owned || b.owned => {
            return Ok((quote!(*#ax #op_tokens *#ay), false))
        }
        (Type::String, Type::String) | (Type::Bytes, Type::Bytes) => {
            let (ox, oy) = (operand(x), operand(y));
            return Ok((quote!(#ox #op_tokens #oy), false));
        }
        (l, r)
            if l == r
                && matches!(
                    l,
                    Type::Int | Type::Uint | Type::Bool | Type::Timestamp | Type::Duration
                ) =>
        {
            let (ox, oy) = (operand(x), operand(y));
            return Ok((quote!(#ox #op_tokens #oy), false));
        }
        (l, r) => {
            return Err(CelError::check(
                col,
                format!("found no matching overload for `_{op}_` applied to ({l}, {r})"),
            ))
        }
    };
    let op = if swapped {
        match op {
            "<" => ">",
            "<=" => ">=",
            ">" => "<",
            _ => "<=",
        }
    } else {
        op
    };
    let test = match op {
        "<" => quote!(is_lt),
        "<=" => quote!(is_le),
        ">" => quote!(is_gt),
        _ => quote!(is_ge),
    };
    Ok((quote!(#cmp.#test()), fails))
}

/// Both operands of a comparison; when both are borrows (`&**x`, `&**y`), without the borrow,
/// which the comparison does not need.
fn unborrowed_pair(x: &TokenStream, y: &TokenStream) -> (TokenStream, TokenStream) {
    let strip = |t: &TokenStream| -> Option<TokenStream> {
        let mut trees = t.clone().into_iter();
        match trees.next() {
            Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == '&' => Some(trees.collect()),
            _ => None,
        }
    };
    match (strip(x), strip(y)) {
        (Some(sx), Some(sy))
            if sx.to_string().starts_with('*') && sy.to_string().starts_with('*') =>
        {
            (operand(&sx), operand(&sy))
        }
        _ => (operand(x), operand(y)),
    }
}
