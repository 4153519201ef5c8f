//! The calls for one protovalidate (`buf.validate`) rule family, in protovalidate's order.

use proc_macro2::TokenStream;

use super::{Ctx, Gen};
use crate::model::{FieldType, Rule};

/// The checks of `family` on `value`, protovalidate's way.
pub(super) fn family(
    _gen: &Gen<'_>,
    _ctx: &Ctx,
    _family: &str,
    _rules: &[&Rule],
    _ty: &FieldType,
    _at: &Option<TokenStream>,
) -> Vec<TokenStream> {
    Vec::new()
}
