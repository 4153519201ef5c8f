//! The `Validate` trait generated validators implement, and the violations they report.

use std::fmt;

use crate::rpc;
use crate::status::Status;

/// A message that knows its schema's constraints.
pub trait Validate {
    /// Records the violations of this message, in PGV's check order. Generated code
    /// implements this; callers use [`Validate::validate`] or [`Validate::validate_all`].
    fn collect_violations(&self, collector: &mut Collector);

    /// Checks the rules in PGV's order and stops at the first violation.
    fn validate(&self) -> Result<(), Violations> {
        let mut collector = Collector::new(true);
        self.collect_violations(&mut collector);
        collector.finish()
    }

    /// Checks every rule and reports every violation.
    fn validate_all(&self) -> Result<(), Violations> {
        let mut collector = Collector::new(false);
        self.collect_violations(&mut collector);
        collector.finish()
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn collect_violations(&self, collector: &mut Collector) {
        (**self).collect_violations(collector)
    }
}

/// Gathers violations; in first-only mode it ignores everything after the first.
#[derive(Debug)]
pub struct Collector {
    first_only: bool,
    violations: Vec<Violation>,
}

impl Collector {
    /// A collector; `first_only` is `validate()`'s mode.
    pub fn new(first_only: bool) -> Collector {
        Collector {
            first_only,
            violations: Vec::new(),
        }
    }

    /// Whether further checks can be skipped.
    pub fn is_done(&self) -> bool {
        self.first_only && !self.violations.is_empty()
    }

    /// Records the outcome of one rule on field `go_field` (PGV's CamelCase name) of `message`.
    pub fn check(
        &mut self,
        outcome: crate::rules::Check,
        message: &str,
        go_field: &str,
        path: &str,
    ) {
        if let Err(failure) = outcome {
            if !self.is_done() {
                self.violations.push(failure.at(message, go_field, path));
            }
        }
    }

    /// Validates an embedded message and records its violations under `path` (`path[index]`
    /// for list items and map values), worded as PGV does.
    pub fn embedded<T: Validate + ?Sized>(
        &mut self,
        value: &T,
        message: &str,
        go_field: &str,
        path: &str,
        index: Option<&dyn std::fmt::Debug>,
    ) {
        if self.is_done() {
            return;
        }
        let mut inner = Collector::new(self.first_only);
        value.collect_violations(&mut inner);
        if inner.violations.is_empty() {
            return;
        }
        let path = match index {
            Some(i) => format!("{path}[{i:?}]"),
            None => path.to_string(),
        };
        crate::rules::embedded(
            message,
            go_field,
            &path,
            inner.violations,
            &mut self.violations,
        );
    }

    /// The result.
    pub fn finish(self) -> Result<(), Violations> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(Violations(self.violations))
        }
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

/// Well-known types carry no rules of their own; their fields' rules live on the referencing
/// field.
macro_rules! no_rules {
    ($($ty:ty),* $(,)?) => {
        $(
            impl Validate for $ty {
                fn collect_violations(&self, _: &mut Collector) {}
            }
        )*
    };
}

no_rules!(
    crate::wkt::Timestamp,
    pbjson_types::Empty,
    pbjson_types::Timestamp,
    pbjson_types::Duration,
    pbjson_types::FieldMask,
    pbjson_types::Struct,
    pbjson_types::Value,
    pbjson_types::ListValue,
    pbjson_types::Any,
    pbjson_types::DoubleValue,
    pbjson_types::FloatValue,
    pbjson_types::Int64Value,
    pbjson_types::UInt64Value,
    pbjson_types::Int32Value,
    pbjson_types::UInt32Value,
    pbjson_types::BoolValue,
    pbjson_types::StringValue,
    pbjson_types::BytesValue,
);
