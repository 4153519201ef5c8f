//! The model's rules in the shared emitters' terms ([`protogate_rules::emit::Written`]): the
//! literal emitters of protogate-rules decide the runtime calls, this side only converts.

use proc_macro2::TokenStream;
use protogate_rules::emit::{self, Facts, Written};

use super::{enum_type, Ctx, Gen};
use crate::model::{FieldType, Rule};

/// The checks of `family` on `value` (a reference), in the order of the field's dialect.
pub(super) fn family(
    gen: &Gen<'_>,
    ctx: &Ctx,
    family: &str,
    rules: &[Rule],
    ty: &FieldType,
    at: &Option<TokenStream>,
) -> Vec<TokenStream> {
    let rules = of_family(rules, family);
    let facts = Facts {
        enum_type: match ty {
            FieldType::Enum(e) => Some(enum_type(gen.api, gen.package, e)),
            _ => None,
        },
        enum_into_i32: false,
    };
    let written = Written::new(ctx.dialect, family, &rules, facts);
    emit::family(ctx, at.as_ref(), &written)
}

/// The rules of `family` that hold a value (not the nested rules of an element).
pub(super) fn of_family(rules: &[Rule], family: &str) -> Vec<emit::Rule> {
    rules
        .iter()
        .filter(|r| r.family == family)
        .filter_map(|r| {
            r.value
                .literal()
                .map(|v| emit::Rule::new(r.name.as_str(), v))
        })
        .collect()
}
