//! Equality and ordering: same-type comparisons, CEL's numeric comparisons across int, uint and
//! double, `null` against wrappers and messages, lists element by element.

use proc_macro2::TokenStream;
use quote::quote;

use super::{atom, repr, rt, Value};
use crate::types::Type;
use crate::CelError;

/// A Rust `bool` expression: whether `a == b`.
pub(crate) fn equals(a: &Value, b: &Value, col: usize) -> Result<TokenStream, CelError> {
    let (x, y) = (&a.tokens, &b.tokens);
    let (ax, ay) = (&atom(x), &atom(y));
    let rt = rt();
    Ok(match (&a.ty, &b.ty) {
        (Type::Null, Type::Null) => quote!(true),
        (Type::Wrapper(_), Type::Null) => quote!(#ax.is_none()),
        (Type::Null, Type::Wrapper(_)) => quote!(#ay.is_none()),
        (Type::Message(_), Type::Null) | (Type::Null, Type::Message(_)) => quote!(false),
        (Type::Wrapper(inner), other) | (other, Type::Wrapper(inner))
            if !matches!(other, Type::Wrapper(_)) =>
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
        (Type::Int, Type::Uint) => quote!(#rt::cmp_int_uint(#x, #y).is_eq()),
        (Type::Uint, Type::Int) => quote!(#rt::cmp_int_uint(#y, #x).is_eq()),
        (Type::Int, Type::Double) => {
            quote!(#rt::cmp_int_double(#x, #y) == Some(::core::cmp::Ordering::Equal))
        }
        (Type::Double, Type::Int) => {
            quote!(#rt::cmp_int_double(#y, #x) == Some(::core::cmp::Ordering::Equal))
        }
        (Type::Uint, Type::Double) => {
            quote!(#rt::cmp_uint_double(#x, #y) == Some(::core::cmp::Ordering::Equal))
        }
        (Type::Double, Type::Uint) => {
            quote!(#rt::cmp_uint_double(#y, #x) == Some(::core::cmp::Ordering::Equal))
        }
        (Type::String, Type::String) | (Type::Bytes, Type::Bytes) | (Type::Type, Type::Type) => {
            quote!(*#ax == *#ay)
        }
        (Type::List(ea), Type::List(eb)) if ea.accepts(eb) => list_equals(a, b, ea, eb, col)?,
        (l, r) if l == r && !matches!(l, Type::Map(..) | Type::Dyn) => quote!(#ax == #ay),
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
    let left = Value::new(ea.clone(), repr::normalize(ea, &quote!(x), a.elem_deref));
    let right = Value::new(eb.clone(), repr::normalize(eb, &quote!(y), b.elem_deref));
    let eq = equals(&left, &right, col)?;
    Ok(quote!({
        let (a, b) = (#x, #y);
        a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| #eq)
    }))
}

/// A Rust `bool` expression: whether `a <op> b`, `op` one of `<`, `<=`, `>`, `>=`.
pub(crate) fn ordering(
    op: &str,
    a: &Value,
    b: &Value,
    col: usize,
) -> Result<TokenStream, CelError> {
    let (x, y) = (&a.tokens, &b.tokens);
    let (ax, ay) = (&atom(x), &atom(y));
    let rt = rt();
    let op_tokens: TokenStream = op.parse().unwrap_or_default();
    let (cmp, swapped) = match (&a.ty, &b.ty) {
        (Type::Int, Type::Uint) => (quote!(#rt::cmp_int_uint(#x, #y)), false),
        (Type::Uint, Type::Int) => (quote!(#rt::cmp_int_uint(#y, #x)), true),
        (Type::Int, Type::Double) => (quote!(#rt::cmp_int_double(#x, #y)), false),
        (Type::Double, Type::Int) => (quote!(#rt::cmp_int_double(#y, #x)), true),
        (Type::Uint, Type::Double) => (quote!(#rt::cmp_uint_double(#x, #y)), false),
        (Type::Double, Type::Uint) => (quote!(#rt::cmp_uint_double(#y, #x)), true),
        (Type::String, Type::String) | (Type::Bytes, Type::Bytes) => {
            return Ok(quote!(*#ax #op_tokens *#ay))
        }
        (l, r)
            if l == r
                && matches!(
                    l,
                    Type::Int
                        | Type::Uint
                        | Type::Double
                        | Type::Bool
                        | Type::Timestamp
                        | Type::Duration
                ) =>
        {
            return Ok(quote!(#ax #op_tokens #ay))
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
    // The int/uint comparison is total; those with a double are `None` for NaN: always false.
    if matches!(
        (&a.ty, &b.ty),
        (Type::Int, Type::Uint) | (Type::Uint, Type::Int)
    ) {
        return Ok(quote!(#cmp.#test()));
    }
    Ok(quote!(#cmp.is_some_and(::core::cmp::Ordering::#test)))
}
