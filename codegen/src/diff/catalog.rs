//! Every rule `protogate diff` reports: buf's breaking rules with buf's IDs and categories (as
//! buf's v2 configuration defines them), and protogate's own.

/// buf's breaking categories, strictest first. `FILE` is the default, as in buf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Generated source code stays compatible, file by file.
    File,
    /// Generated source code stays compatible, package by package.
    Package,
    /// The binary and the JSON encoding stay compatible.
    WireJson,
    /// The binary encoding stays compatible.
    Wire,
}

impl Category {
    /// buf's name: `FILE`, `PACKAGE`, `WIRE_JSON`, `WIRE`.
    pub fn name(self) -> &'static str {
        match self {
            Category::File => "FILE",
            Category::Package => "PACKAGE",
            Category::WireJson => "WIRE_JSON",
            Category::Wire => "WIRE",
        }
    }

    /// Reads buf's name.
    pub fn parse(text: &str) -> Option<Category> {
        [
            Category::File,
            Category::Package,
            Category::WireJson,
            Category::Wire,
        ]
        .into_iter()
        .find(|c| c.name() == text)
    }
}

use Category::{File as F, Package as P, Wire as W, WireJson as J};

const FP: &[Category] = &[F, P];
const FPJ: &[Category] = &[F, P, J];
const FPJW: &[Category] = &[F, P, J, W];
const ONLY_F: &[Category] = &[F];
const ONLY_P: &[Category] = &[P];
const JW: &[Category] = &[J, W];
const ONLY_J: &[Category] = &[J];
const ONLY_W: &[Category] = &[W];

/// buf's breaking rules (v2) and their categories.
pub const BUF_RULES: &[(&str, &[Category])] = &[
    ("ENUM_NO_DELETE", ONLY_F),
    ("EXTENSION_NO_DELETE", ONLY_F),
    ("FILE_NO_DELETE", ONLY_F),
    ("MESSAGE_NO_DELETE", ONLY_F),
    ("SERVICE_NO_DELETE", ONLY_F),
    ("ENUM_SAME_TYPE", FP),
    ("FIELD_SAME_CARDINALITY", FP),
    ("FIELD_SAME_CPP_STRING_TYPE", FP),
    ("FIELD_SAME_JAVA_UTF8_VALIDATION", FP),
    ("FIELD_SAME_JSTYPE", FP),
    ("FIELD_SAME_UTF8_VALIDATION", FP),
    ("FILE_SAME_CC_ENABLE_ARENAS", FP),
    ("FILE_SAME_CC_GENERIC_SERVICES", FP),
    ("FILE_SAME_CSHARP_NAMESPACE", FP),
    ("FILE_SAME_GO_PACKAGE", FP),
    ("FILE_SAME_JAVA_GENERIC_SERVICES", FP),
    ("FILE_SAME_JAVA_MULTIPLE_FILES", FP),
    ("FILE_SAME_JAVA_OUTER_CLASSNAME", FP),
    ("FILE_SAME_JAVA_PACKAGE", FP),
    ("FILE_SAME_OBJC_CLASS_PREFIX", FP),
    ("FILE_SAME_OPTIMIZE_FOR", FP),
    ("FILE_SAME_PHP_CLASS_PREFIX", FP),
    ("FILE_SAME_PHP_METADATA_NAMESPACE", FP),
    ("FILE_SAME_PHP_NAMESPACE", FP),
    ("FILE_SAME_PY_GENERIC_SERVICES", FP),
    ("FILE_SAME_RUBY_PACKAGE", FP),
    ("FILE_SAME_SWIFT_PREFIX", FP),
    ("RPC_NO_DELETE", FP),
    ("ENUM_VALUE_NO_DELETE", FP),
    ("EXTENSION_MESSAGE_NO_DELETE", FP),
    ("FIELD_NO_DELETE", FP),
    ("FIELD_SAME_TYPE", FP),
    ("FILE_SAME_SYNTAX", FP),
    ("MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR", FP),
    ("ONEOF_NO_DELETE", FP),
    ("ENUM_SAME_JSON_FORMAT", FPJ),
    ("ENUM_VALUE_SAME_NAME", FPJ),
    ("FIELD_SAME_JSON_NAME", FPJ),
    ("FIELD_SAME_NAME", FPJ),
    ("MESSAGE_SAME_JSON_FORMAT", FPJ),
    ("FIELD_SAME_DEFAULT", FPJW),
    ("FIELD_SAME_ONEOF", FPJW),
    ("FILE_SAME_PACKAGE", FPJW),
    ("MESSAGE_SAME_REQUIRED_FIELDS", FPJW),
    ("RESERVED_ENUM_NO_DELETE", FPJW),
    ("RESERVED_MESSAGE_NO_DELETE", FPJW),
    ("RPC_SAME_CLIENT_STREAMING", FPJW),
    ("RPC_SAME_IDEMPOTENCY_LEVEL", FPJW),
    ("RPC_SAME_REQUEST_TYPE", FPJW),
    ("RPC_SAME_RESPONSE_TYPE", FPJW),
    ("RPC_SAME_SERVER_STREAMING", FPJW),
    ("PACKAGE_ENUM_NO_DELETE", ONLY_P),
    ("PACKAGE_EXTENSION_NO_DELETE", ONLY_P),
    ("PACKAGE_MESSAGE_NO_DELETE", ONLY_P),
    ("PACKAGE_NO_DELETE", ONLY_P),
    ("PACKAGE_SERVICE_NO_DELETE", ONLY_P),
    ("ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", ONLY_J),
    ("FIELD_NO_DELETE_UNLESS_NAME_RESERVED", ONLY_J),
    ("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", ONLY_J),
    ("FIELD_WIRE_JSON_COMPATIBLE_TYPE", ONLY_J),
    ("ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", JW),
    ("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", JW),
    ("FIELD_WIRE_COMPATIBLE_CARDINALITY", ONLY_W),
    ("FIELD_WIRE_COMPATIBLE_TYPE", ONLY_W),
];

/// protogate's own rules, always on: `HTTP_*` (bindings), `VALIDATE_*` (rules), `AUTH_*`
/// (permissions), `OPENAPI_*` (the document pair), and the changes no rule calls breaking
/// (additions, moves, comments). Whether a finding breaks is the rule's call, per change.
pub const OWN_RULES: &[&str] = &[
    "HTTP_BINDING_NO_DELETE",
    "HTTP_BINDING_SAME_VERB",
    "HTTP_BINDING_SAME_PATH",
    "HTTP_BINDING_SAME_PATH_VARIABLES",
    "HTTP_BINDING_SAME_BODY",
    "HTTP_BINDING_SAME_RESPONSE_BODY",
    "HTTP_BINDING_ADDED",
    "VALIDATE_RULE_NO_ADD",
    "VALIDATE_RULE_NO_TIGHTEN",
    "VALIDATE_RULE_SAME_VALUE",
    "VALIDATE_RULE_LOOSENED",
    "VALIDATE_RULE_REMOVED",
    "AUTH_PERMISSION_NO_ADD",
    "AUTH_PERMISSION_SAME",
    "AUTH_CHECK_FIELD_SAME",
    "AUTH_PERMISSION_REMOVED",
    "OPENAPI_OPERATION_NO_DELETE",
    "OPENAPI_OPERATION_ADDED",
    "OPENAPI_RESPONSE_NO_DELETE",
    "OPENAPI_REQUEST_BODY_NO_REQUIRE",
    "OPENAPI_REQUEST_BODY_NO_DELETE",
    "OPENAPI_PARAMETER_NO_REQUIRE",
    "OPENAPI_PARAMETER_REMOVED",
    "OPENAPI_PROPERTY_NO_REQUIRE",
    "OPENAPI_PROPERTY_NO_DELETE",
    "OPENAPI_PROPERTY_SAME_REQUIRED",
    "OPENAPI_SCHEMA_SAME_TYPE",
    "OPENAPI_SCHEMA_SAME_NULLABLE",
    "OPENAPI_SCHEMA_SAME_BOUNDS",
    "OPENAPI_SCHEMA_SAME_PATTERN",
    "OPENAPI_ENUM_NO_ADD",
    "OPENAPI_ENUM_VALUE_NO_DELETE",
    "OPENAPI_ENUM_VALUE_ADDED",
    "FILE_ADDED",
    "MESSAGE_ADDED",
    "FIELD_ADDED",
    "ONEOF_ADDED",
    "ENUM_ADDED",
    "ENUM_VALUE_ADDED",
    "SERVICE_ADDED",
    "RPC_ADDED",
    "ELEMENT_MOVED",
    "COMMENT_CHANGED",
];

/// buf's categories of `rule`; `None` for a rule that is not buf's.
pub fn categories(rule: &str) -> Option<&'static [Category]> {
    BUF_RULES
        .iter()
        .find(|(id, _)| *id == rule)
        .map(|(_, c)| *c)
}

/// Whether `rule` is a rule the report can carry.
pub fn is_known(rule: &str) -> bool {
    categories(rule).is_some() || OWN_RULES.contains(&rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_category_has_buf_s_fifty_one_rules() {
        let count = |c: Category| BUF_RULES.iter().filter(|(_, cs)| cs.contains(&c)).count();
        assert_eq!(count(Category::File), 51);
        assert_eq!(count(Category::Package), 51);
        assert_eq!(count(Category::WireJson), 22);
        assert_eq!(count(Category::Wire), 15);
    }

    #[test]
    fn own_rules_do_not_reuse_buf_ids() {
        for id in OWN_RULES {
            assert!(categories(id).is_none(), "{id}");
        }
    }
}
