//! protovalidate's wording of the standard rules (`buf.validate`): the same checks as the PGV
//! functions, with protovalidate's rule ids and messages.

use super::{ensure, Check};

/// `(buf.validate.oneof).required`: one field of the oneof is set.
pub fn oneof_required<T>(value: &Option<T>) -> Check {
    ensure(value.is_some(), "required", || {
        "exactly one field is required in oneof"
    })
}
