//! One case's answer: decode the message, validate it with every rule, and report what
//! protovalidate would, or say plainly why protogate cannot answer.

use prost::Message;
use protogate::Validate;

use crate::harness::{Outcome, TestResult};
use crate::violations;

fn result(outcome: Outcome) -> TestResult {
    TestResult {
        result: Some(outcome),
    }
}

/// Decodes `bytes` as `M` and validates it with [`Validate::validate_all`].
pub(crate) fn validate<M: Message + Default + Validate>(bytes: &[u8]) -> TestResult {
    let message = match M::decode(bytes) {
        Ok(m) => m,
        Err(e) => {
            return result(Outcome::UnexpectedError(format!(
                "cannot decode the case: {e}"
            )))
        }
    };
    result(match message.validate_all() {
        Ok(()) => Outcome::Success(true),
        // protovalidate stops at a rule it cannot evaluate and reports only that.
        Err(found) => match found.iter().find(|v| v.evaluation_error) {
            Some(v) => Outcome::RuntimeError(v.message.clone()),
            None => Outcome::ValidationError(violations::to_proto(&found)),
        },
    })
}

/// A message with rules protogate does not enforce, or cannot read: never a success.
#[allow(
    dead_code,
    reason = "the generated dispatch calls it for each case message with a rule protogate cannot enforce; the pinned suite has none today"
)]
pub(crate) fn unenforced(reason: &str) -> TestResult {
    result(Outcome::UnexpectedError(format!(
        "protogate cannot validate this message: {reason}"
    )))
}

/// A type outside the case packages: a well-known type (which carries no rules of its own,
/// like every message protogate maps to its runtime types), or one the executor was not
/// generated with.
pub(crate) fn other_type(name: &str, bytes: &[u8]) -> TestResult {
    match name {
        "google.protobuf.Any" => validate::<protogate::wkt::Any>(bytes),
        "google.protobuf.Timestamp" => validate::<protogate::wkt::Timestamp>(bytes),
        "google.protobuf.FieldMask" => validate::<protogate::wkt::FieldMask>(bytes),
        "google.protobuf.Duration" => validate::<pbjson_types::Duration>(bytes),
        _ => result(Outcome::UnexpectedError(format!(
            "no validator for {name}: regenerate cases.binpb with run.sh --refresh"
        ))),
    }
}

/// A message whose rules the generator rejects, as protovalidate rejects them when it builds
/// the validator.
pub(crate) fn rejected(diagnostic: &str) -> TestResult {
    result(Outcome::CompilationError(diagnostic.to_string()))
}
