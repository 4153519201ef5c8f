//! What each rule means, as a typed value: the one place a rule's name is read for its sense.
//!
//! The docs, the OpenAPI document, the OpenAPI drift check and the breaking-change report all
//! ask the same questions of a rule (is it a length bound, of what, which side; is it a string
//! format, which one) and answer them with [`Meaning`] instead of matching rule names.

/// What a rule of a family means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Meaning {
    /// A size: `len`, `min_len`, `max_len`, the `*_bytes` rules, `min_items`, `max_pairs`, …
    Size(Measure, Limit),
    /// A bound on a number, a duration or a timestamp: `gt`, `gte`, `lt`, `lte`.
    Bound(Side, Inclusive),
    /// A timestamp before now (`lt_now`, [`Side::Upper`]) or after now (`gt_now`).
    Now(Side),
    /// A timestamp within a duration of now (`within`).
    Within,
    /// Exactly this value (`const`).
    Const,
    /// One of these values (`in`).
    In,
    /// None of these values (`not_in`).
    NotIn,
    /// Example values, documentation only (protovalidate's `example`).
    Example,
    /// A substring rule: `prefix`, `suffix`, `contains`, `not_contains`.
    Text(TextRule),
    /// A regular expression every value matches (`pattern`).
    Pattern,
    /// A string (or bytes) format: `email`, `uuid`, `ipv4_prefix`, …
    Format(Format),
    /// An HTTP header name or value (`well_known_regex`).
    WellKnownRegex,
    /// Whether `well_known_regex` is strict (`strict`).
    Strict,
    /// Only numbers the enum names (`defined_only`).
    DefinedOnly,
    /// The field must be set (`required`).
    Required,
    /// List items are unique (`unique`).
    Unique,
    /// Map values are not empty messages (PGV's `no_sparse`).
    NoSparse,
    /// Not NaN nor infinite (`finite`).
    Finite,
    /// The embedded message is not validated (PGV's `message.skip`).
    Skip,
    /// The rules hold only for a non-empty value (PGV's `ignore_empty`).
    IgnoreEmpty,
    /// When the field's rules apply (protovalidate's field-level `ignore`).
    Ignore,
    /// The rules of each list item, map key or map value.
    Elements(Element),
}

/// What a [`Meaning::Size`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Characters (Unicode code points) of a string.
    Characters,
    /// Bytes of a string's UTF-8 or of a bytes value.
    Bytes,
    /// Items of a list.
    Items,
    /// Entries of a map.
    Pairs,
}

/// Which limit a [`Meaning::Size`] sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Exactly this size (`len`, `len_bytes`).
    Exact,
    /// At least (`min_*`).
    Min,
    /// At most (`max_*`).
    Max,
}

/// The side of a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Values above it (`gt`, `gte`, `gt_now`).
    Lower,
    /// Values below it (`lt`, `lte`, `lt_now`).
    Upper,
}

/// Whether a [`Meaning::Bound`] accepts the bound itself (`gte`, `lte`).
pub type Inclusive = bool;

/// A substring rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextRule {
    /// `prefix`.
    Prefix,
    /// `suffix`.
    Suffix,
    /// `contains`.
    Contains,
    /// `not_contains`.
    NotContains,
}

/// The rules of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Element {
    /// `repeated.items`.
    Items,
    /// `map.keys`.
    Keys,
    /// `map.values`.
    Values,
}

/// A format rule of `string` or `bytes`, each named as its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `email`.
    Email,
    /// `hostname`.
    Hostname,
    /// `ip`: IPv4 or IPv6.
    Ip,
    /// `ipv4`.
    Ipv4,
    /// `ipv6`.
    Ipv6,
    /// `uri`.
    Uri,
    /// `uri_ref`.
    UriRef,
    /// `address`: a hostname or an IP address.
    Address,
    /// `uuid`.
    Uuid,
    /// `tuuid`: a UUID without dashes.
    Tuuid,
    /// `ip_with_prefixlen`.
    IpWithPrefixlen,
    /// `ipv4_with_prefixlen`.
    Ipv4WithPrefixlen,
    /// `ipv6_with_prefixlen`.
    Ipv6WithPrefixlen,
    /// `ip_prefix`.
    IpPrefix,
    /// `ipv4_prefix`.
    Ipv4Prefix,
    /// `ipv6_prefix`.
    Ipv6Prefix,
    /// `host_and_port`.
    HostAndPort,
    /// `ulid`.
    Ulid,
    /// `protobuf_fqn`.
    ProtobufFqn,
    /// `protobuf_dot_fqn`.
    ProtobufDotFqn,
}

impl Format {
    /// Every format, in protovalidate's declaration order.
    pub const ALL: [Format; 20] = [
        Format::Email,
        Format::Hostname,
        Format::Ip,
        Format::Ipv4,
        Format::Ipv6,
        Format::Uri,
        Format::UriRef,
        Format::Address,
        Format::Uuid,
        Format::Tuuid,
        Format::IpWithPrefixlen,
        Format::Ipv4WithPrefixlen,
        Format::Ipv6WithPrefixlen,
        Format::IpPrefix,
        Format::Ipv4Prefix,
        Format::Ipv6Prefix,
        Format::HostAndPort,
        Format::Ulid,
        Format::ProtobufFqn,
        Format::ProtobufDotFqn,
    ];

    /// The rule's name (`uri_ref`).
    pub fn rule_name(self) -> &'static str {
        match self {
            Format::Email => "email",
            Format::Hostname => "hostname",
            Format::Ip => "ip",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Uri => "uri",
            Format::UriRef => "uri_ref",
            Format::Address => "address",
            Format::Uuid => "uuid",
            Format::Tuuid => "tuuid",
            Format::IpWithPrefixlen => "ip_with_prefixlen",
            Format::Ipv4WithPrefixlen => "ipv4_with_prefixlen",
            Format::Ipv6WithPrefixlen => "ipv6_with_prefixlen",
            Format::IpPrefix => "ip_prefix",
            Format::Ipv4Prefix => "ipv4_prefix",
            Format::Ipv6Prefix => "ipv6_prefix",
            Format::HostAndPort => "host_and_port",
            Format::Ulid => "ulid",
            Format::ProtobufFqn => "protobuf_fqn",
            Format::ProtobufDotFqn => "protobuf_dot_fqn",
        }
    }

    /// The format a rule called `name` checks.
    pub fn from_rule_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.rule_name() == name)
    }
}

/// What the rule `name` means in `family` (`min_len` of `bytes` counts bytes, of `string`
/// characters), if it is a rule protogate knows. protovalidate's field-level `required` and
/// `ignore` mean the same in every family.
pub fn meaning(family: &str, name: &str) -> Option<Meaning> {
    use Meaning::*;
    let chars_or_bytes = match family {
        "bytes" => Measure::Bytes,
        _ => Measure::Characters,
    };
    Some(match name {
        "len" => Size(chars_or_bytes, Limit::Exact),
        "min_len" => Size(chars_or_bytes, Limit::Min),
        "max_len" => Size(chars_or_bytes, Limit::Max),
        "len_bytes" => Size(Measure::Bytes, Limit::Exact),
        "min_bytes" => Size(Measure::Bytes, Limit::Min),
        "max_bytes" => Size(Measure::Bytes, Limit::Max),
        "min_items" => Size(Measure::Items, Limit::Min),
        "max_items" => Size(Measure::Items, Limit::Max),
        "min_pairs" => Size(Measure::Pairs, Limit::Min),
        "max_pairs" => Size(Measure::Pairs, Limit::Max),
        "gt" => Bound(Side::Lower, false),
        "gte" => Bound(Side::Lower, true),
        "lt" => Bound(Side::Upper, false),
        "lte" => Bound(Side::Upper, true),
        "gt_now" => Now(Side::Lower),
        "lt_now" => Now(Side::Upper),
        "within" => Within,
        "const" => Const,
        "in" => In,
        "not_in" => NotIn,
        "example" => Example,
        "prefix" => Text(TextRule::Prefix),
        "suffix" => Text(TextRule::Suffix),
        "contains" => Text(TextRule::Contains),
        "not_contains" => Text(TextRule::NotContains),
        "pattern" => Pattern,
        "well_known_regex" => WellKnownRegex,
        "strict" => Strict,
        "defined_only" => DefinedOnly,
        "required" => Required,
        "unique" => Unique,
        "no_sparse" => NoSparse,
        "finite" => Finite,
        "skip" => Skip,
        "ignore_empty" => IgnoreEmpty,
        "ignore" => Ignore,
        "items" => Elements(Element::Items),
        "keys" => Elements(Element::Keys),
        "values" => Elements(Element::Values),
        other => Format(self::Format::from_rule_name(other)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{families, Dialect, ValueKind, PROTOVALIDATE_FIELD_RULES};

    #[test]
    fn every_catalogue_rule_has_a_meaning() {
        for dialect in [Dialect::Pgv, Dialect::Protovalidate] {
            for family in families(dialect) {
                for rule in family.rules {
                    let meaning = meaning(family.name, rule.name);
                    assert!(meaning.is_some(), "{}.{}", family.name, rule.name);
                    if rule.kind == ValueKind::ElementRules {
                        assert!(matches!(meaning, Some(Meaning::Elements(_))));
                    }
                }
            }
        }
        for name in ["required", "ignore"] {
            assert!(PROTOVALIDATE_FIELD_RULES.contains(&name));
            assert!(meaning("string", name).is_some());
        }
    }

    #[test]
    fn every_format_is_a_string_rule_of_protovalidate() {
        let string = crate::catalogue::family(Dialect::Protovalidate, "string").expect("string");
        for format in Format::ALL {
            assert!(string.rule(format.rule_name()).is_some(), "{format:?}");
            assert_eq!(Format::from_rule_name(format.rule_name()), Some(format));
        }
    }

    #[test]
    fn lengths_count_what_their_family_holds() {
        let size = |family, name| match meaning(family, name) {
            Some(Meaning::Size(measure, limit)) => (measure, limit),
            other => panic!("{family}.{name}: {other:?}"),
        };
        assert_eq!(size("string", "min_len"), (Measure::Characters, Limit::Min));
        assert_eq!(size("bytes", "min_len"), (Measure::Bytes, Limit::Min));
        assert_eq!(size("string", "len_bytes"), (Measure::Bytes, Limit::Exact));
        assert_eq!(size("map", "max_pairs"), (Measure::Pairs, Limit::Max));
        assert_eq!(meaning("string", "nonsense"), None);
    }
}
