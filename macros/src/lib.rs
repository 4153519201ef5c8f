//! Proc macros for protogate.
//!
//! - [`include_generated!`] includes what `protogate_codegen::Builder` wrote to `OUT_DIR`.
//! - [`derive(Validate)`](macro@Validate) implements `protogate::Validate` from PGV-style field
//!   attributes.
#![warn(missing_docs, rust_2018_idioms)]

mod time_lit;
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
/// `include_generated!("zitadel.auth.v1")` includes that package's files, like
/// `tonic::include_proto!`: put it in a module tree that mirrors the package so references
/// across packages resolve. The package's prost, tonic and JSON code is in the file prost-build
/// names, protogate's own code beside it (`zitadel.auth.v1.protogate.rs`). Both names follow
/// prost-build's, so a package with a keyword or a non-snake-case part (`google.type`, `Demo.ShopV1`) maps to its escaped module
/// spelling (`google.r#type.rs`, `demo.shop_v1.rs`); pass the proto package name either way.
/// `include_generated!("")` includes the code of files without a `package` statement (prost's
/// `_.rs`), which belongs at the root of the tree. `include_generated!()` includes the whole
/// tree (`mod.rs`), with one nested module per package.
#[proc_macro]
pub fn include_generated(input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as IncludeArgs);
    let file = match &args.package {
        None => "/mod.rs".to_string(),
        Some(package) => {
            let name = package.value();
            let valid = name.split('.').all(|part| {
                let mut chars = part.chars();
                chars
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            if !name.is_empty() && !valid {
                return syn::Error::new(
                    package.span(),
                    format!(
                        "`{name}` is not a proto package name (expected e.g. \"zitadel.auth.v1\", or \"\" for files without a package)"
                    ),
                )
                .to_compile_error()
                .into();
            }
            let upstream = format!("/{}", protogate_names::package_file_name(&name));
            let own = format!("/{}", protogate_names::protogate_file_name(&name));
            return quote! {
                include!(concat!(env!("OUT_DIR"), #upstream));
                include!(concat!(env!("OUT_DIR"), #own));
            }
            .into();
        }
    };
    quote!(include!(concat!(env!("OUT_DIR"), #file));).into()
}

/// Implements `protogate::Validate` from PGV-style field attributes, calling the same rule
/// functions, in the same order, as generated validators (so messages and rule ids are PGV's).
///
/// ```ignore
/// #[derive(protogate::Validate)]
/// #[validate(name = "VerifyMyPhoneRequest")] // the message name PGV's texts use
/// struct VerifyMyPhoneRequest {
///     #[validate(string(min_len = 1, max_len = 200))]
///     code: String,
///     #[validate(uint64(gt = 0, not_in = [7]))]
///     sequence: u64,
///     #[validate(message(required))]
///     details: Option<Details>, // Details: Validate
///     #[validate(repeated(max_items = 10, unique, items(string(pattern = "^[a-z]+$"))))]
///     tags: Vec<String>,
///     #[validate(map(max_pairs = 5, keys(string(min_len = 1)), values(message)))]
///     labels: HashMap<String, Details>,
///     #[validate(enum(defined_only = Color, not_in = [0]))]
///     color: i32, // or the prost enumeration itself
///     #[validate(duration(required, gte = "1s", lt = "1h30m"))]
///     timeout: Option<prost_types::Duration>,
///     #[validate(timestamp(gt_now, within = "24h"))]
///     expires: Option<prost_types::Timestamp>,
/// }
/// ```
///
/// Families: `string`, `bytes`, `bool`, `enum`, every numeric family (`int32`, `uint64`,
/// `double`, …), `message`, `repeated` (with `items(…)`), `map` (with `keys(…)` and
/// `values(…)`), `duration`, `timestamp`, `any` and `oneof(required)` (on the `Option` of a
/// oneof enum), with PGV's rule names; scalar rules on a `google.protobuf` wrapper field
/// (`Option<StringValue>`, …), list item or map value apply to its value; `#[validate(disabled)]` (or `ignored`) on the
/// struct turns every check off; `in`/`not_in` take a list
/// (`in = ["a", "b"]`), bytes take `b"…"` or string literals, durations Go's syntax (`"1.5s"`)
/// and timestamps RFC 3339 (`"2023-05-10T12:00:00Z"`). Recursion into list items and map values
/// is asked for with `items(message)` / `values(message)`. A rule that does not exist, a value
/// of the wrong kind or out of the field type's range, a family that does not fit the field's
/// type, an invalid pattern, `min > max` and rules PGV would ignore (`in` with `not_in`, `len`
/// with `min_len`) are compile errors at the attribute.
#[proc_macro_derive(Validate, attributes(validate))]
pub fn derive_validate(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    validate::derive(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
