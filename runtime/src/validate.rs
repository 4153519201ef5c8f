//! The `Validate` trait generated validators implement, and the violations they report.

use std::fmt;

use crate::field_path::{FieldSite, PathElement, RuleStep};
use crate::rpc;
use crate::rules::{Check, Failure};
use crate::status::Status;

/// A message that knows its schema's constraints.
pub trait Validate {
    /// Records the violations of this message, in PGV's check order. Generated code
    /// implements this for messages with rules; the default, for messages without, records
    /// none. Callers use [`Validate::validate`] or [`Validate::validate_all`].
    fn collect_violations(&self, collector: &mut Collector) {
        let _ = collector;
    }

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

    /// What the server runs on every request: the first violation for PGV's rules (as
    /// PGV's generated `Validate()` behind grpc-gateway), every violation for protovalidate's
    /// (as protovalidate does unless told to fail fast). Generated code chooses by the
    /// message's rule dialect.
    fn validate_request(&self) -> Result<(), Violations> {
        self.validate()
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn collect_violations(&self, collector: &mut Collector) {
        (**self).collect_violations(collector)
    }

    fn validate_request(&self) -> Result<(), Violations> {
        (**self).validate_request()
    }
}

/// `impl Validate` that checks nothing (the trait's defaults) for each listed message: the
/// generator lists a package's messages without rules in one invocation.
#[macro_export]
macro_rules! nothing_to_validate {
    ($($message:ty),* $(,)?) => {$(
        impl $crate::Validate for $message {}
    )*};
}

/// Where a rule applies inside a field: the field itself, a list item, or a map entry.
#[derive(Clone, Copy, Debug)]
pub enum At<'a> {
    /// The field itself.
    Field,
    /// The item at this index of a repeated field.
    Item(usize),
    /// The key of this map entry (PGV says `invalid key for …`).
    Key(MapKey<'a>),
    /// The value of this map entry.
    Value(MapKey<'a>),
}

/// A map key, for paths (`labels["k"]`) and PGV's messages (`Labels[k]`).
#[derive(Clone, Copy, Debug)]
pub enum MapKey<'a> {
    /// A string key.
    Str(&'a str),
    /// A signed integer key.
    Int(i64),
    /// An unsigned integer key.
    Uint(u64),
    /// A bool key.
    Bool(bool),
}

impl<'a> From<&'a String> for MapKey<'a> {
    fn from(k: &'a String) -> MapKey<'a> {
        MapKey::Str(k)
    }
}

impl<'a> From<&'a str> for MapKey<'a> {
    fn from(k: &'a str) -> MapKey<'a> {
        MapKey::Str(k)
    }
}

impl From<&bool> for MapKey<'_> {
    fn from(k: &bool) -> Self {
        MapKey::Bool(*k)
    }
}

macro_rules! int_keys {
    ($($t:ty => $v:ident as $as:ty),*) => {$(
        impl From<&$t> for MapKey<'_> {
            fn from(k: &$t) -> Self {
                MapKey::$v(*k as $as)
            }
        }
    )*};
}
int_keys!(i32 => Int as i64, i64 => Int as i64, u32 => Uint as u64, u64 => Uint as u64);

impl MapKey<'_> {
    /// Go's `%v` of the key, as PGV prints it in a field name.
    fn go(&self) -> String {
        match self {
            MapKey::Str(s) => (*s).to_string(),
            MapKey::Int(n) => n.to_string(),
            MapKey::Uint(n) => n.to_string(),
            MapKey::Bool(b) => b.to_string(),
        }
    }

    /// The key in a field path: strings quoted, the rest bare.
    fn path(&self) -> String {
        match self {
            MapKey::Str(s) => crate::rules::go_quote(s),
            other => other.go(),
        }
    }
}

impl At<'_> {
    fn path(&self, path: &str) -> String {
        match self {
            At::Field => path.to_string(),
            At::Item(i) => format!("{path}[{i}]"),
            At::Key(k) | At::Value(k) => format!("{path}[{}]", k.path()),
        }
    }

    fn go_field(&self, go_field: &str) -> String {
        match self {
            At::Field => go_field.to_string(),
            At::Item(i) => format!("{go_field}[{i}]"),
            At::Key(k) | At::Value(k) => format!("{go_field}[{}]", k.go()),
        }
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
    #[inline]
    pub fn new(first_only: bool) -> Collector {
        Collector {
            first_only,
            violations: Vec::new(),
        }
    }

    /// Whether further checks can be skipped.
    #[inline]
    pub fn is_done(&self) -> bool {
        self.first_only && !self.violations.is_empty()
    }

    /// Records the outcome of one rule on field `go_field` (PGV's CamelCase name) of `message`.
    #[inline]
    pub fn check(&mut self, outcome: Check, message: &str, go_field: &str, path: &str) {
        if let Err(failure) = outcome {
            self.fail(failure, message, go_field, path, At::Field);
        }
    }

    /// Records the outcome of one rule on a list item, map key or map value of a field.
    #[inline]
    pub fn check_at(
        &mut self,
        outcome: Check,
        message: &str,
        go_field: &str,
        path: &str,
        at: At<'_>,
    ) {
        if let Err(failure) = outcome {
            self.fail(failure, message, go_field, path, at);
        }
    }

    #[cold]
    fn fail(&mut self, failure: Failure, message: &str, go_field: &str, path: &str, at: At<'_>) {
        if self.is_done() {
            return;
        }
        let key = if matches!(at, At::Key(_)) {
            "key for "
        } else {
            ""
        };
        // `invalid {key}{message}.{go field}: {reason}`, in one allocation when at a field.
        let mut text = String::with_capacity(
            10 + key.len() + message.len() + go_field.len() + failure.reason.len(),
        );
        text.push_str("invalid ");
        text.push_str(key);
        text.push_str(message);
        text.push('.');
        match at {
            At::Field => text.push_str(go_field),
            _ => text.push_str(&at.go_field(go_field)),
        }
        text.push_str(": ");
        text.push_str(&failure.reason);
        self.violations
            .push(Violation::new(at.path(path), failure.rule, text));
    }

    /// Records the outcome of a protovalidate rule on field `site` at `at`: its message is the
    /// reason itself; the field and rule paths are recorded structured as well.
    #[inline]
    pub fn check_pv(&mut self, outcome: Check, site: &'static FieldSite, at: At<'_>) {
        if let Err(failure) = outcome {
            self.fail_pv(failure, Some(site), at, true);
        }
    }

    /// Records the outcome of a rule whose rule path the generator wrote out (a `cel` rule:
    /// `cel[2]` of the field's or the message's rules): on field `site` at `at`, or on the
    /// message when `site` is `None`.
    #[inline]
    pub fn check_pv_rule(
        &mut self,
        outcome: Check,
        site: Option<&'static FieldSite>,
        at: At<'_>,
        rule_path: &'static [RuleStep],
    ) {
        if let Err(failure) = outcome {
            self.fail_pv_at(failure, site, at, rule_path.to_vec());
        }
    }

    /// Records the outcome of a oneof's `required`: the path is the oneof's name, and
    /// protovalidate gives no rule path.
    #[inline]
    pub fn check_pv_oneof(&mut self, outcome: Check, oneof: &'static FieldSite) {
        if let Err(failure) = outcome {
            self.fail_pv(failure, Some(oneof), At::Field, false);
        }
    }

    /// Records the outcome of a message-level rule (`(buf.validate.message).oneof`): no field,
    /// no rule path.
    #[inline]
    pub fn check_pv_message(&mut self, outcome: Check) {
        if let Err(failure) = outcome {
            self.fail_pv(failure, None, At::Field, false);
        }
    }

    #[cold]
    fn fail_pv(
        &mut self,
        failure: Failure,
        site: Option<&'static FieldSite>,
        at: At<'_>,
        rule: bool,
    ) {
        if self.is_done() {
            return;
        }
        let rule_path = if rule {
            crate::field_path::rule_path(failure.rule, &at)
        } else {
            Vec::new()
        };
        self.fail_pv_at(failure, site, at, rule_path);
    }

    #[cold]
    fn fail_pv_at(
        &mut self,
        failure: Failure,
        site: Option<&'static FieldSite>,
        at: At<'_>,
        rule_path: Vec<RuleStep>,
    ) {
        if self.is_done() {
            return;
        }
        self.violations.push(Violation {
            field: site.map(|s| at.path(s.name)).unwrap_or_default(),
            rule: failure.rule,
            evaluation_error: failure.evaluation_error,
            message: failure.reason.into_owned(),
            nesting: Vec::new(),
            field_path: site.map(|s| vec![s.element(&at)]).unwrap_or_default(),
            rule_path,
            for_key: matches!(at, At::Key(_)),
            protovalidate: true,
        });
    }

    /// Validates an embedded message and records its violations under `path` (`path[i]` for
    /// list items, `path["k"]` for map values), worded as PGV does.
    pub fn embedded<T: Validate + ?Sized>(
        &mut self,
        value: &T,
        message: &str,
        go_field: &str,
        path: &str,
        at: At<'_>,
    ) {
        if self.is_done() {
            return;
        }
        let mut inner = Collector::new(self.first_only);
        value.collect_violations(&mut inner);
        if inner.violations.is_empty() {
            return;
        }
        let prefix = format!(
            "invalid {message}.{}: embedded message failed validation | caused by: ",
            at.go_field(go_field)
        );
        let path = at.path(path);
        for v in inner.violations {
            let mut nesting = Vec::with_capacity(v.nesting.len() + 1);
            nesting.push(prefix.len());
            nesting.extend(v.nesting.iter().map(|n| n + prefix.len()));
            self.violations.push(Violation {
                field: format!("{path}.{}", v.field),
                message: format!("{prefix}{}", v.message),
                nesting,
                ..v
            });
        }
    }

    /// Validates an embedded message (field `site` at `at`) the protovalidate way: paths nest,
    /// messages stay.
    pub fn embedded_pv<T: Validate + ?Sized>(
        &mut self,
        value: &T,
        site: &'static FieldSite,
        at: At<'_>,
    ) {
        if self.is_done() {
            return;
        }
        let mut inner = Collector::new(self.first_only);
        value.collect_violations(&mut inner);
        if inner.violations.is_empty() {
            return;
        }
        let path = at.path(site.name);
        let element = site.element(&at);
        for mut v in inner.violations {
            v.field = if v.field.is_empty() {
                path.clone()
            } else {
                format!("{path}.{}", v.field)
            };
            v.field_path.insert(0, element.clone());
            self.violations.push(v);
        }
    }

    /// The result.
    #[inline]
    pub fn finish(self) -> Result<(), Violations> {
        let violations = self.violations;
        if violations.is_empty() {
            if violations.capacity() == 0 {
                // Nothing was ever allocated: skip the out-of-line drop of an empty Vec, a
                // third of the cost of validating a valid message.
                std::mem::forget(violations);
            }
            Ok(())
        } else {
            Err(Violations(violations))
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
    /// Byte offsets in `message` where each embedded-message prefix ends, outermost first; the
    /// joined text of [`Violations`] merges shared prefixes the way Go's `ValidateAll` nests.
    nesting: Vec<usize>,
    /// protovalidate's structured field path, outermost field first (empty for PGV rules and
    /// message-level rules).
    pub field_path: Vec<PathElement>,
    /// The path of the broken rule inside `buf.validate.FieldRules`, e.g. `string`, `min_len`
    /// (empty for PGV rules, message-level rules and a oneof's `required`).
    pub rule_path: Vec<RuleStep>,
    /// Whether the rule applied to a map key rather than its value.
    pub for_key: bool,
    /// Whether the rule could not be evaluated on the value (protovalidate's runtime error)
    /// rather than found broken.
    pub evaluation_error: bool,
    /// Whether a protovalidate rule (not a PGV rule) was broken.
    protovalidate: bool,
}

impl Violation {
    /// A violation of a rule on a field.
    pub fn new(field: impl Into<String>, rule: &'static str, message: impl Into<String>) -> Self {
        Violation {
            field: field.into(),
            rule,
            message: message.into(),
            nesting: Vec::new(),
            field_path: Vec::new(),
            rule_path: Vec::new(),
            for_key: false,
            evaluation_error: false,
            protovalidate: false,
        }
    }
}

impl Violation {
    /// Whether a protovalidate rule (`buf.validate`) was broken, rather than a PGV rule.
    pub fn is_protovalidate(&self) -> bool {
        self.protovalidate
    }
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

/// Go's text for a list of errors at one nesting level: embedded messages appear once, with
/// their own violations joined inside (`… | caused by: a; b`).
fn render(items: &[&Violation], depth: usize, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let start = |v: &Violation| if depth == 0 { 0 } else { v.nesting[depth - 1] };
    let segment = |v: &'_ Violation| -> Option<(usize, usize)> {
        v.nesting.get(depth).map(|end| (start(v), *end))
    };
    let mut i = 0;
    while i < items.len() {
        if i > 0 {
            f.write_str("; ")?;
        }
        let v = items[i];
        match segment(v) {
            Some((s, e)) => {
                let prefix = &v.message[s..e];
                let mut j = i + 1;
                while j < items.len()
                    && segment(items[j]).is_some_and(|(s2, e2)| &items[j].message[s2..e2] == prefix)
                {
                    j += 1;
                }
                f.write_str(prefix)?;
                render(&items[i..j], depth + 1, f)?;
                i = j;
            }
            None => {
                f.write_str(&v.message[start(v)..])?;
                i += 1;
            }
        }
    }
    Ok(())
}

impl fmt::Display for Violations {
    /// PGV's joined text, or for protovalidate's rules protovalidate's: `validation error:`
    /// then ` - field: message [rule id]` a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.is_empty() && self.0.iter().all(Violation::is_protovalidate) {
            f.write_str("validation error:")?;
            for v in &self.0 {
                f.write_str("\n - ")?;
                if !v.field.is_empty() {
                    write!(f, "{}: ", v.field)?;
                }
                write!(f, "{} [{}]", v.message, v.rule)?;
            }
            return Ok(());
        }
        let items: Vec<&Violation> = self.0.iter().collect();
        render(&items, 0, f)
    }
}

impl std::error::Error for Violations {}

impl From<Violations> for Status {
    /// INVALID_ARGUMENT with PGV's text and a `google.rpc.BadRequest` listing every field;
    /// when protovalidate rules were broken, also the `buf.validate.Violations` protovalidate
    /// reports (structured field and rule paths, rule ids, messages).
    fn from(violations: Violations) -> Status {
        let message = violations.to_string();
        let protovalidate = violations
            .iter()
            .any(Violation::is_protovalidate)
            .then(|| crate::buf_validate::Violations::from(&violations));
        let detail = rpc::BadRequest {
            field_violations: violations
                .0
                .into_iter()
                .map(|v| rpc::FieldViolation {
                    field: v.field,
                    description: v.message,
                })
                .collect(),
        };
        let status = Status::invalid_argument(message).with_detail_message(detail);
        match protovalidate {
            Some(pv) => status.with_detail_message(pv),
            None => status,
        }
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
    crate::wkt::FieldMask,
    crate::wkt::Any,
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
