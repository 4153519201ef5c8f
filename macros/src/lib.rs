//! Proc macros for protogate.
//!
//! - [`include_generated!`] includes what `protogate_codegen::Builder` wrote to `OUT_DIR`.
//! - [`derive(Validate)`](macro@Validate) implements `protogate::Validate` from PGV-style field
//!   attributes.
#![warn(missing_docs, rust_2018_idioms)]

mod validate;

use proc_macro::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::LitStr;

struct IncludeArgs {
    package: Option<LitStr>,
}

impl Parse for IncludeArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Ok(IncludeArgs { package: None });
        }
        let package: LitStr = input.parse()?;
        if !input.is_empty() {
            return Err(input.error("expected one proto package name, e.g. \"zitadel.auth.v1\""));
        }
        Ok(IncludeArgs {
            package: Some(package),
        })
    }
}

/// Includes generated code from `OUT_DIR`.
///
/// `include_generated!("zitadel.auth.v1")` includes that package's file, like
/// `tonic::include_proto!`: put it in a module tree that mirrors the package so references
/// across packages resolve. `include_generated!()` includes the whole tree (`mod.rs`), with one
/// nested module per package.
#[proc_macro]
pub fn include_generated(input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as IncludeArgs);
    let file = match &args.package {
        None => "/mod.rs".to_string(),
        Some(package) => {
            let name = package.value();
            let valid = !name.is_empty()
                && name.split('.').all(|part| {
                    let mut chars = part.chars();
                    chars
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
                });
            if !valid {
                return syn::Error::new(
                    package.span(),
                    format!(
                        "`{name}` is not a proto package name (expected e.g. \"zitadel.auth.v1\")"
                    ),
                )
                .to_compile_error()
                .into();
            }
            format!("/{name}.rs")
        }
    };
    quote!(include!(concat!(env!("OUT_DIR"), #file));).into()
}

/// Implements `protogate::Validate` from PGV-style field attributes, calling the same rule
/// functions as generated validators (so messages and rule ids are PGV's).
///
/// ```ignore
/// #[derive(protogate::Validate)]
/// #[validate(name = "VerifyMyPhoneRequest")] // the message name PGV's texts use
/// struct VerifyMyPhoneRequest {
///     #[validate(string(min_len = 1, max_len = 200))]
///     code: String,
///     #[validate(uint64(gt = 0))]
///     sequence: u64,
///     #[validate(message(required))]
///     details: Option<Details>, // Details: Validate
///     #[validate(repeated(max_items = 10, unique))]
///     tags: Vec<String>,
/// }
/// ```
///
/// Families: `string`, `bytes`, `bool`, every numeric family (`int32`, `uint64`, `double`, …),
/// `repeated` and `message`. A rule that does not exist, a value of the wrong kind, an invalid
/// pattern or `min > max` is a compile error at the attribute.
#[proc_macro_derive(Validate, attributes(validate))]
pub fn derive_validate(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    validate::derive(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
