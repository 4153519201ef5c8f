//! The one build-time description of protogate's validation rules.
//!
//! Both the generator (`protogate-codegen`) and `#[derive(Validate)]` (`protogate-macros`)
//! read rules through this crate:
//!
//! - [`catalogue`]: every rule family and rule of protoc-gen-validate's `(validate.rules)` and
//!   protovalidate's `(buf.validate.field)`, with the kind of value each takes, so that adding a
//!   rule is one edit here;
//! - [`checks`]: the rules that contradict each other or have no effect next to another,
//!   found over a neutral description of the written rules and reported as [`checks::Finding`]s
//!   that each caller turns into its own error type (a diagnostic at a proto line, a compile
//!   error at an attribute's span);
//! - [`emit`]: the literal emitters, which turn the written rules of a family into calls of
//!   the runtime's rule functions, over the same kind of neutral description.
//!
//! ```
//! use protogate_rules::catalogue::{self, Dialect};
//! use protogate_rules::checks::{self, Literal, Subject, WrittenRule};
//!
//! let string = catalogue::family(Dialect::Pgv, "string").expect("a PGV family");
//! assert!(string.rule("min_len").is_some());
//!
//! let written = [
//!     WrittenRule::new("min_len", Literal::Int(5)),
//!     WrittenRule::new("max_len", Literal::Int(1)),
//! ];
//! let findings = checks::check(&Subject::new(Dialect::Pgv, "string"), &written);
//! assert_eq!(
//!     findings[0].message,
//!     "`string.min_len` (5) is greater than `string.max_len` (1): no value can pass"
//! );
//! ```
#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]

pub mod catalogue;
pub mod checks;
pub mod emit;
