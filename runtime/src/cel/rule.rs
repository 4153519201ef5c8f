//! A compiled `cel` rule's outcome as a validation check: protovalidate's rule id, its message
//! (or the string the expression returned), and evaluation errors reported, never passed.

use std::borrow::Cow;

use super::Error;
use crate::rules::{Check, Failure};

/// A rule whose expression yields `bool`: `false` is a violation with the rule's `message`, as
/// written (possibly empty); an error is a violation naming it.
pub fn check_bool(outcome: Result<bool, Error>, id: &'static str, message: &'static str) -> Check {
    match outcome {
        Ok(true) => Ok(()),
        Ok(false) => Err(Failure::new(id, message)),
        Err(error) => Err(evaluation_error(id, error)),
    }
}

/// A rule whose expression yields `string`: empty passes; any other text is the violation's
/// message.
pub fn check_string(outcome: Result<String, Error>, id: &'static str) -> Check {
    match outcome {
        Ok(text) if text.is_empty() => Ok(()),
        Ok(text) => Err(Failure::new(id, Cow::Owned(text))),
        Err(error) => Err(evaluation_error(id, error)),
    }
}

fn evaluation_error(id: &'static str, error: Error) -> Failure {
    Failure {
        evaluation_error: true,
        ..Failure::new(id, format!("error evaluating {id}: {error}"))
    }
}
