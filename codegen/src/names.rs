//! Rust names for proto names, exactly as prost-build derives them.
//!
//! The package → module and package → file mappings live in `protogate-names`, which
//! `include_generated!` uses too: one mapping for every emitter, `mod.rs` and the macro.

use heck::ToUpperCamelCase;

pub use protogate_names::{
    package_file_name, package_module_path, protogate_file_name, sanitize, snake, upper_camel,
    PACKAGELESS_FILE,
};

/// PGV's Go field name in messages: `resource_owner` → `ResourceOwner`.
pub fn go_field(s: &str) -> String {
    s.to_upper_camel_case()
}

/// tonic's module for a service's server or client (`side` is `server` or `client`), named as
/// tonic-build names it: its own snake case of prost's type name (`Match` → `match_server`,
/// never escaped as `names::snake` would).
pub fn tonic_module(service: &str, side: &str) -> String {
    let name = upper_camel(service);
    let mut out = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c.to_ascii_lowercase());
        if chars.peek().is_some_and(|next| next.is_uppercase()) {
            out.push('_');
        }
    }
    format!("{out}_{side}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tonic_modules_are_named_like_tonic_build() {
        assert_eq!(tonic_module("AuthService", "server"), "auth_service_server");
        assert_eq!(tonic_module("Match", "server"), "match_server");
        assert_eq!(tonic_module("HTTPService", "client"), "http_service_client");
        assert_eq!(tonic_module("getV2Thing", "server"), "get_v2_thing_server");
        assert_eq!(tonic_module("pinger", "server"), "pinger_server");
    }

    /// The mapping must agree with prost-build's own, which names the modules the prost code
    /// refers to across packages.
    #[test]
    fn package_mapping_agrees_with_prost_build() {
        for package in [
            "zitadel.auth.v1",
            "google.type",
            "demo.match.async",
            "a.mod.use",
            "x.self.super",
            "Demo.ShopV1",
            "naming.HTTPServer.v2",
            "",
        ] {
            let module = prost_build::Module::from_protobuf_package_name(package);
            let prost: Vec<&str> = module.parts().collect();
            assert_eq!(package_module_path(package), prost, "{package}");
            assert_eq!(
                package_file_name(package),
                module.to_file_name_or("_"),
                "{package}"
            );
        }
    }
}
