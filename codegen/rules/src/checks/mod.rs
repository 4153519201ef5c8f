//! Rules that contradict each other, have no effect next to another, or cannot work (a NaN
//! bound, a pattern that does not compile), found once for every caller.
//!
//! A caller describes the rules written for one family of one field as [`WrittenRule`]s (the
//! rule's name and its literal value) and gets [`Finding`]s back, each pointing at the rules it
//! is about by their index in that slice, so the caller can place it: the generator at a proto
//! file's line, the derive macro at an attribute's span.

mod bounds;
mod lengths;

use crate::catalogue::{is_number_family, Dialect};

/// A rule's literal value, as far as the checks need it.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A flag or bool constant.
    Flag(bool),
    /// An integer: numeric bounds of integer families, lengths and counts.
    Int(i128),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// The items of `in` / `not_in`.
    List(Vec<Literal>),
    /// Anything the checks do not look into (durations, nested rules, a constant's name).
    Other,
}

impl Literal {
    /// As a length or count, when it is a non-negative integer.
    pub fn as_length(&self) -> Option<u64> {
        match self {
            Literal::Int(i) => u64::try_from(*i).ok(),
            _ => None,
        }
    }

    fn is_true(&self) -> bool {
        matches!(self, Literal::Flag(true))
    }

    fn is_empty_list(&self) -> bool {
        matches!(self, Literal::List(items) if items.is_empty())
    }
}

/// One rule as written: its name within the family and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenRule {
    /// The rule's name, e.g. `min_len`.
    pub name: String,
    /// Its value.
    pub value: Literal,
}

impl WrittenRule {
    /// `name = value`.
    pub fn new(name: impl Into<String>, value: Literal) -> WrittenRule {
        WrittenRule {
            name: name.into(),
            value,
        }
    }
}

/// What the rules apply to: their dialect and family, and optionally a name for messages.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The option the rules are written in.
    pub dialect: Dialect,
    /// Their family, e.g. `string`.
    pub family: &'a str,
    /// What the rules are on, named in messages after "on", e.g. `` `pkg.Message.field` ``;
    /// `None` where the place already says it (a compile error at the attribute).
    pub on: Option<&'a str>,
}

impl<'a> Subject<'a> {
    /// The rules of `family` in `dialect`, with no name in messages.
    pub fn new(dialect: Dialect, family: &'a str) -> Subject<'a> {
        Subject {
            dialect,
            family,
            on: None,
        }
    }

    /// Names what the rules are on in messages (`` on `pkg.Message.field` ``).
    pub fn on(self, on: &'a str) -> Subject<'a> {
        Subject {
            on: Some(on),
            ..self
        }
    }

    /// `` `family.name` ``, the rule's id as violations report it.
    fn id(&self, name: &str) -> String {
        format!("`{}.{name}`", self.family)
    }

    /// ` on <what>`, or nothing.
    fn on_phrase(&self) -> String {
        self.on.map(|on| format!(" on {on}")).unwrap_or_default()
    }
}

/// What is wrong with a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// The rules admit no value at all.
    Contradiction,
    /// A rule has no effect next to another.
    Redundant,
    /// A bound is NaN, which compares with no number.
    Nan,
    /// A bound is infinite.
    Infinite,
    /// A pattern is not a valid RE2 expression (as the runtime translates and compiles it).
    InvalidPattern,
}

impl FindingKind {
    /// The diagnostic code the generator reports it with.
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::Contradiction => "rule-contradiction",
            FindingKind::Redundant => "rule-redundant",
            FindingKind::Nan => "rule-nan",
            FindingKind::Infinite => "rule-infinite",
            FindingKind::InvalidPattern => "rule-invalid-regex",
        }
    }

    /// Whether the schema is wrong (rather than saying more than is checked).
    pub fn is_error(self) -> bool {
        self != FindingKind::Redundant
    }
}

/// Another rule a finding involves, with what to say about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Its index in the checked slice.
    pub rule: usize,
    /// What to say there, e.g. `` `string.max_len` is 2 ``.
    pub label: String,
}

/// One problem with the written rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What kind of problem it is.
    pub kind: FindingKind,
    /// The index of the rule it is reported at, in the checked slice.
    pub rule: usize,
    /// The other rules involved.
    pub related: Vec<Note>,
    /// The message, naming the rules as `family.rule`.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Finding {
    fn new(kind: FindingKind, rule: usize, message: String) -> Finding {
        Finding {
            kind,
            rule,
            related: Vec::new(),
            message,
            hint: None,
        }
    }

    fn related(mut self, rule: usize, label: String) -> Finding {
        self.related.push(Note { rule, label });
        self
    }

    fn hint(mut self, hint: String) -> Finding {
        self.hint = Some(hint);
        self
    }

    /// The names of the rules involved: the one it is reported at first.
    pub fn rule_names<'r>(&self, rules: &'r [WrittenRule]) -> Vec<&'r str> {
        std::iter::once(self.rule)
            .chain(self.related.iter().map(|n| n.rule))
            .filter_map(|i| rules.get(i).map(|r| r.name.as_str()))
            .collect()
    }
}

/// The written rules of one family, looked up by name.
struct Written<'r> {
    rules: &'r [WrittenRule],
}

impl Written<'_> {
    /// The index and value of the rule called `name`.
    fn get(&self, name: &str) -> Option<(usize, &Literal)> {
        self.rules
            .iter()
            .position(|r| r.name == name)
            .map(|i| (i, &self.rules[i].value))
    }

    fn length(&self, name: &str) -> Option<(usize, u64)> {
        self.get(name)
            .and_then(|(i, v)| v.as_length().map(|n| (i, n)))
    }
}

/// Every contradiction and redundancy among `rules`, all of `subject.family`.
pub fn check(subject: &Subject<'_>, rules: &[WrittenRule]) -> Vec<Finding> {
    let written = Written { rules };
    let mut out = Vec::new();
    lengths::check(subject, &written, &mut out);
    if is_number_family(subject.family) {
        bounds::numbers(subject, &written, &mut out);
    }
    bounds::sides(subject, &written, &mut out);
    if subject.family == "timestamp" {
        bounds::relative(subject, &written, &mut out);
    }
    in_and_not_in(subject, &written, &mut out);
    strict_alone(subject, &written, &mut out);
    pattern(subject, &written, &mut out);
    out
}

/// A `pattern` must compile with RE2's syntax, through the runtime's translation to the regex
/// crate (the same text the validators compile).
fn pattern(subject: &Subject<'_>, written: &Written<'_>, out: &mut Vec<Finding>) {
    if !matches!(subject.family, "string" | "bytes") {
        return;
    }
    let Some((at, Literal::Text(p))) = written.get("pattern") else {
        return;
    };
    let Err(e) = regex::Regex::new(&protogate_re2::re2_to_regex(p)) else {
        return;
    };
    // The regex crate's message ends with the reason, after the pattern and a caret line.
    let text = e.to_string();
    let reason = text.lines().last().unwrap_or_default().trim();
    let reason = reason.strip_prefix("error: ").unwrap_or(reason);
    out.push(
        Finding::new(
            FindingKind::InvalidPattern,
            at,
            format!(
                "{} {p:?}{} is not a valid RE2 expression: {reason}",
                subject.id("pattern"),
                subject.on_phrase()
            ),
        )
        .hint("patterns use RE2 syntax: no look-around or back-references".into()),
    );
}

/// `string.strict` tunes `well_known_regex` and does nothing on its own.
fn strict_alone(subject: &Subject<'_>, written: &Written<'_>, out: &mut Vec<Finding>) {
    if subject.family != "string" || written.get("well_known_regex").is_some() {
        return;
    }
    let Some((at, _)) = written.get("strict") else {
        return;
    };
    out.push(
        Finding::new(
            FindingKind::Redundant,
            at,
            format!(
                "{}{} has no effect without {}: it applies to `well_known_regex` only",
                subject.id("strict"),
                subject.on_phrase(),
                subject.id("well_known_regex")
            ),
        )
        .hint("drop `strict`, or add the `well_known_regex` it tunes".into()),
    );
}

/// `not_in` next to `in`: PGV checks `not_in` only without `in`; in protovalidate only values
/// of `in` pass anyway.
fn in_and_not_in(subject: &Subject<'_>, written: &Written<'_>, out: &mut Vec<Finding>) {
    let non_empty = |name| written.get(name).filter(|(_, v)| !v.is_empty_list());
    let (Some((allowed, _)), Some((denied, _))) = (non_empty("in"), non_empty("not_in")) else {
        return;
    };
    let (in_, not_in, on) = (subject.id("in"), subject.id("not_in"), subject.on_phrase());
    let message = match subject.dialect {
        Dialect::Pgv => format!(
            "{not_in}{on} has no effect next to {in_}: PGV checks `not_in` only when `in` is empty"
        ),
        Dialect::Protovalidate => format!(
            "{not_in} next to {in_}{on}: only values of `in` can pass, so leave the excluded ones out of `in` instead"
        ),
    };
    out.push(
        Finding::new(FindingKind::Redundant, denied, message)
            .related(allowed, in_)
            .hint("keep one of `in` and `not_in`".into()),
    );
}

#[cfg(test)]
mod tests;
