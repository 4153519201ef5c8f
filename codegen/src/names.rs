//! Rust names for proto names, exactly as prost-build derives them.
//!
//! The package → module and package → file mappings live in `protogate-names`, which
//! `include_generated!` uses too: one mapping for every emitter, `mod.rs` and the macro.

use heck::ToUpperCamelCase;

pub use protogate_names::{
    package_file_name, package_module_path, sanitize, snake, upper_camel, PACKAGELESS_FILE,
};

/// PGV's Go field name in messages: `resource_owner` → `ResourceOwner`.
pub fn go_field(s: &str) -> String {
    s.to_upper_camel_case()
}

#[cfg(test)]
mod tests {
    use super::*;

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
