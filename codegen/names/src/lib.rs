//! Rust names for proto names, exactly as prost-build derives them.
//!
//! The generator (`protogate-codegen`) and `protogate::include_generated!` (`protogate-macros`)
//! both map proto package names to Rust modules and output files through this crate, so the two
//! can never disagree about where a package's code lives.
#![warn(missing_docs, rust_2018_idioms)]

use heck::{ToSnakeCase, ToUpperCamelCase};

/// The output file of files without a `package` statement, as prost-build names it (`_.rs`).
pub const PACKAGELESS_FILE: &str = "_.rs";

/// Escapes Rust keywords the way prost-build does (`type` → `r#type`, `self` → `self_`).
pub fn sanitize(ident: &str) -> String {
    match ident {
        "as" | "break" | "const" | "continue" | "else" | "enum" | "false" | "fn" | "for" | "if"
        | "impl" | "in" | "let" | "loop" | "match" | "mod" | "move" | "mut" | "pub" | "ref"
        | "return" | "static" | "struct" | "trait" | "true" | "type" | "unsafe" | "use"
        | "where" | "while" | "dyn" | "abstract" | "become" | "box" | "do" | "final" | "macro"
        | "override" | "priv" | "typeof" | "unsized" | "virtual" | "yield" | "async" | "await"
        | "try" | "gen" => format!("r#{ident}"),
        "_" | "super" | "self" | "Self" | "extern" | "crate" => format!("{ident}_"),
        s if s.starts_with(|c: char| c.is_numeric()) => format!("_{ident}"),
        _ => ident.to_string(),
    }
}

/// A field or module name: `lower_snake`, keywords escaped.
pub fn snake(s: &str) -> String {
    sanitize(&s.to_snake_case())
}

/// A type name: `UpperCamel`, keywords escaped.
pub fn upper_camel(s: &str) -> String {
    sanitize(&s.to_upper_camel_case())
}

/// The Rust module path of a proto package relative to the generated root: one snake-cased,
/// escaped part per package part (`demo.type` → `["demo", "r#type"]`, `Demo.ShopV1` →
/// `["demo", "shop_v1"]`). Empty for files without a package, whose code sits at the root.
pub fn package_module_path(package: &str) -> Vec<String> {
    package
        .split('.')
        .filter(|p| !p.is_empty())
        .map(snake)
        .collect()
}

/// The output file of a proto package, named as prost-build names it: the module path joined
/// with dots (`demo.type` → `demo.r#type.rs`), or [`PACKAGELESS_FILE`] without a package.
pub fn package_file_name(package: &str) -> String {
    let parts = package_module_path(package);
    if parts.is_empty() {
        PACKAGELESS_FILE.to_string()
    } else {
        format!("{}.rs", parts.join("."))
    }
}

/// The file of protogate's own code for a proto package, beside prost-build's
/// [`package_file_name`] (`demo.type` → `demo.r#type.protogate.rs`, `_.protogate.rs` without a
/// package): the package's module includes both.
pub fn protogate_file_name(package: &str) -> String {
    let upstream = package_file_name(package);
    let stem = upstream.strip_suffix(".rs").unwrap_or(&upstream);
    format!("{stem}.protogate.rs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_parts_are_escaped_like_prost_build() {
        assert_eq!(package_module_path("google.type"), ["google", "r#type"]);
        assert_eq!(
            package_module_path("a.self.super"),
            ["a", "self_", "super_"]
        );
        assert_eq!(package_file_name("demo.type"), "demo.r#type.rs");
    }

    #[test]
    fn mixed_case_parts_are_snake_cased() {
        assert_eq!(package_module_path("Demo.ShopV1"), ["demo", "shop_v1"]);
        assert_eq!(package_file_name("Demo.ShopV1"), "demo.shop_v1.rs");
    }

    #[test]
    fn files_without_a_package_go_to_the_root() {
        assert!(package_module_path("").is_empty());
        assert_eq!(package_file_name(""), "_.rs");
    }

    #[test]
    fn protogate_code_sits_beside_the_package_file() {
        assert_eq!(
            protogate_file_name("zitadel.auth.v1"),
            "zitadel.auth.v1.protogate.rs"
        );
        assert_eq!(protogate_file_name("demo.type"), "demo.r#type.protogate.rs");
        assert_eq!(protogate_file_name(""), "_.protogate.rs");
    }
}
