//! The `Validate` trait generated validators implement, and the violations they report.

use std::fmt;

use crate::rpc;
use crate::status::Status;

/// A message that knows its schema's constraints.
pub trait Validate {
    /// Appends the violations of this message to `out`, in PGV's check order; with
    /// `first_only` it returns after the first one. Generated code implements this.
    fn collect_violations(&self, first_only: bool, out: &mut Vec<Violation>);

    /// Checks the rules in PGV's order and stops at the first violation.
    fn validate(&self) -> Result<(), Violations> {
        let mut out = Vec::new();
        self.collect_violations(true, &mut out);
        if out.is_empty() {
            Ok(())
        } else {
            Err(Violations(out))
        }
    }

    /// Checks every rule and reports every violation.
    fn validate_all(&self) -> Result<(), Violations> {
        let mut out = Vec::new();
        self.collect_violations(false, &mut out);
        if out.is_empty() {
            Ok(())
        } else {
            Err(Violations(out))
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn collect_violations(&self, first_only: bool, out: &mut Vec<Violation>) {
        (**self).collect_violations(first_only, out)
    }
}

/// One broken rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The field path, e.g. `code`, `details.resource_owner`, `items[2].name`, `labels["k"]`.
    pub field: String,
    /// The rule id, e.g. `string.min_len`.
    pub rule: &'static str,
    /// PGV's message, e.g. `invalid VerifyMyPhoneRequest.Code: value length must be between 1
    /// and 200 runes, inclusive`.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The violations of one message, at least one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    /// One violation.
    pub fn one(violation: Violation) -> Violations {
        Violations(vec![violation])
    }

    /// The violations, in the order the rules were checked.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(&v.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

impl From<Violations> for Status {
    /// INVALID_ARGUMENT with PGV's text and a `google.rpc.BadRequest` listing every field.
    fn from(violations: Violations) -> Status {
        let detail = rpc::BadRequest {
            field_violations: violations
                .iter()
                .map(|v| rpc::FieldViolation {
                    field: v.field.clone(),
                    description: v.message.clone(),
                })
                .collect(),
        };
        Status::invalid_argument(violations.to_string()).with_detail(&detail)
    }
}

impl From<Violations> for tonic::Status {
    fn from(violations: Violations) -> tonic::Status {
        Status::from(violations).into()
    }
}
