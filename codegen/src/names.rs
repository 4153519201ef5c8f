//! Rust names for proto names, exactly as prost-build derives them.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Escapes Rust keywords the way prost-build does.
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

/// A field or module name: `lower_snake`.
pub fn snake(s: &str) -> String {
    sanitize(&s.to_snake_case())
}

/// A type name: `UpperCamel`.
pub fn upper_camel(s: &str) -> String {
    sanitize(&s.to_upper_camel_case())
}

/// PGV's Go field name in messages: `resource_owner` → `ResourceOwner`.
pub fn go_field(s: &str) -> String {
    s.to_upper_camel_case()
}

/// The Rust module path of a package relative to the crate's generated root.
pub fn package_module_path(package: &str) -> Vec<String> {
    package
        .split('.')
        .filter(|p| !p.is_empty())
        .map(snake)
        .collect()
}
