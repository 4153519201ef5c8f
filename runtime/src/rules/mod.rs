//! One implementation of each validation rule, with protoc-gen-validate's messages.
//!
//! Generated validators and `#[derive(Validate)]` call these functions; nothing here allocates
//! unless the rule fails. Each function checks one rule (or one group of rules PGV checks and
//! words together, like `min_len`/`max_len`) exactly as PGV's Go templates do, including their
//! quirks, and returns the rule id and PGV's reason text on failure. [`pv`] holds the
//! protovalidate wordings that differ (so far the oneof rule).

use std::borrow::Cow;
use std::fmt::{self, Display};

pub mod bytes;
pub mod collection;
pub mod format;
pub mod mail;
pub mod message;
pub mod net;
pub mod number;
mod pattern;
pub mod pv;
pub mod string;
pub mod time;

pub use format::go_quote;
pub use pattern::{re2_to_regex, Pattern};

/// Kept for generated code written before the split: the enum rules live in [`message`].
pub use message as enumeration;

/// A failed rule: its id and the reason text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The rule id, e.g. `string.min_len`.
    pub rule: &'static str,
    /// The reason, e.g. `value length must be at least 1 runes`.
    pub reason: Cow<'static, str>,
    /// The rule could not be evaluated on this value (protovalidate's runtime error, e.g. a
    /// bytes `pattern` on bytes that are not UTF-8), rather than found broken. The value is
    /// rejected either way.
    pub evaluation_error: bool,
}

impl Failure {
    pub(crate) fn new(rule: &'static str, reason: impl Into<Cow<'static, str>>) -> Failure {
        Failure {
            rule,
            reason: reason.into(),
            evaluation_error: false,
        }
    }

    /// A rule that could not be evaluated on the value.
    pub(crate) fn evaluation_error(rule: &'static str, reason: &'static str) -> Failure {
        Failure {
            evaluation_error: true,
            ..Failure::new(rule, reason)
        }
    }

    /// A failure with a Go error as its cause, worded `reason | caused by: cause`.
    pub(crate) fn caused(rule: &'static str, reason: &str, cause: &str) -> Failure {
        Failure::new(rule, format!("{reason} | caused by: {cause}"))
    }
}

impl Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// The outcome of one rule.
pub type Check = Result<(), Failure>;

/// Passes when `ok`, else fails with `rule` and a reason built only on failure.
#[inline]
pub(crate) fn ensure<R: Into<Cow<'static, str>>>(
    ok: bool,
    rule: &'static str,
    reason: impl FnOnce() -> R,
) -> Check {
    if ok {
        Ok(())
    } else {
        Err(Failure::new(rule, reason()))
    }
}

/// A length bound as PGV words it for runes or bytes (`len`, or `min` and/or `max`).
pub(crate) fn length_reason(unit: &str, min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (Some(min), Some(max)) if min == max => format!("value length must be {min} {unit}"),
        (Some(min), Some(max)) => {
            format!("value length must be between {min} and {max} {unit}, inclusive")
        }
        (Some(min), None) => format!("value length must be at least {min} {unit}"),
        (None, Some(max)) => format!("value length must be at most {max} {unit}"),
        (None, None) => String::new(),
    }
}

/// Checks a length against PGV's `min`/`max` pair, with the rule id of the side that failed.
pub(crate) fn length_range(
    n: u64,
    min: Option<u64>,
    max: Option<u64>,
    ids: (&'static str, &'static str),
    unit: &str,
) -> Check {
    let too_short = min.is_some_and(|m| n < m);
    let too_long = max.is_some_and(|m| n > m);
    if !too_short && !too_long {
        return Ok(());
    }
    let rule = if too_short { ids.0 } else { ids.1 };
    Err(Failure::new(rule, length_reason(unit, min, max)))
}
