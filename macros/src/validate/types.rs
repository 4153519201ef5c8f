//! The Rust types rules are written on: their shapes, and whether a family fits one.

use super::values::number_type;
use super::*;

/// The last path segment of a type and its generic type arguments (`Vec<T>` → `Vec`, [T]).
pub(super) fn type_shape(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let ty = match ty {
        Type::Reference(r) => &*r.elem,
        Type::Group(g) => &*g.elem,
        Type::Paren(p) => &*p.elem,
        other => other,
    };
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let args = match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((last.ident.to_string(), args))
}

pub(super) fn generic_arg<'t>(ty: &'t Type, container: &str, index: usize) -> Option<&'t Type> {
    match type_shape(ty) {
        Some((name, args)) if name == container => args.get(index).copied(),
        _ => None,
    }
}

/// A compile error when `family` plainly does not fit the field's Rust type. Types the macro
/// does not know (aliases, wrappers, user types) are left to rustc.
pub(super) fn check_type(family: &Family, ty: &Type) -> syn::Result<()> {
    let Some((name, args)) = type_shape(ty) else {
        return Ok(());
    };
    let byte_vec = name == "Vec"
        && args
            .first()
            .and_then(|t| type_shape(t))
            .is_some_and(|(n, _)| n == "u8");
    let kind = match name.as_str() {
        "String" | "str" => "string",
        "Cow"
            if args
                .first()
                .and_then(|t| type_shape(t))
                .is_some_and(|(n, _)| n == "str") =>
        {
            "string"
        }
        "Bytes" => "bytes",
        "Vec" if byte_vec => "bytes",
        "bool" => "bool",
        "i32" | "i64" | "u32" | "u64" | "f32" | "f64" => name.as_str(),
        "Vec" => "list",
        "HashMap" | "BTreeMap" => "map",
        _ => match wrapper_family(ty) {
            Some(wrapped) if is_scalar(&family.name) && family.name != wrapped => {
                return Err(syn::Error::new(
                    family.span,
                    format!(
                        "`{}` rules do not fit `{name}`, whose value takes `{wrapped}` rules",
                        family.name
                    ),
                ))
            }
            _ => return Ok(()),
        },
    };
    let f = family.name.as_str();
    let fits = match f {
        "string" => kind == "string",
        "bytes" => kind == "bytes",
        "bool" => kind == "bool",
        "enum" => kind == "i32",
        "repeated" => kind == "list" || kind == "bytes",
        "map" => kind == "map",
        "message" | "duration" | "timestamp" | "any" | "oneof" => false,
        n if is_number_family(n) => kind == number_type(n),
        _ => true,
    };
    if fits {
        return Ok(());
    }
    let wanted = match f {
        "string" => "a `String`".to_string(),
        "bytes" => "a `Vec<u8>` or `Bytes`".to_string(),
        "bool" => "a `bool`".to_string(),
        "enum" => "an `i32` (or a prost enumeration)".to_string(),
        "repeated" => "a `Vec<…>`".to_string(),
        "map" => "a `HashMap<…>` or `BTreeMap<…>`".to_string(),
        "message" | "duration" | "timestamp" | "any" => "a message type".to_string(),
        "oneof" => "an `Option` of a oneof enum".to_string(),
        n => {
            let ty = number_type(n);
            let article = if ty.starts_with('u') { "a" } else { "an" };
            format!("{article} `{ty}`")
        }
    };
    Err(syn::Error::new(
        family.span,
        format!(
            "`{f}` rules need {wanted}, not `{}`",
            quote!(#ty).to_string().replace(' ', "")
        ),
    ))
}

pub(super) fn option_inner(ty: &Type) -> Option<&Type> {
    match type_shape(ty) {
        Some((name, args)) if name == "Option" => args.first().copied(),
        _ => None,
    }
}
