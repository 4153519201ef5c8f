//! PGV's presence rules: the calls that check an `Option` is set.

use proc_macro2::TokenStream;
use quote::quote;

/// What a PGV `required` is written on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required<'a> {
    /// `message.required` on a message field.
    Message,
    /// `message.required` on a `google.protobuf` wrapper field that has value rules too
    /// (PGV words its violation as the value's).
    Wrapper,
    /// `required` of the `duration`, `timestamp` or `any` family.
    Family(&'a str),
    /// `(validate.required)` on a oneof.
    Oneof,
}

/// The presence check of `option` (an expression of an `Option`), a call to pass to
/// [`super::Site::check`].
pub fn required(required: Required<'_>, option: &TokenStream) -> TokenStream {
    let m = quote!(::protogate::rules::message);
    match required {
        Required::Message => quote!(#m::required(&#option)),
        Required::Wrapper => quote!(#m::wrapper_required(&#option)),
        Required::Family(f) => quote!(#m::family_required(#f, &#option)),
        Required::Oneof => quote!(#m::oneof_required(&#option)),
    }
}
