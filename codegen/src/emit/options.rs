//! What the generated code contains: the output knobs of `Builder` and `protogate gen`, named
//! as tonic-prost-build and prost-build name them where they have them.

/// Output knobs. The default generates protogate's server side, proto3 JSON, validators,
/// comments and the API reference pages, and no tonic client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// tonic's client module per service (`auth_service_client`).
    pub build_client: bool,
    /// protogate's server side per service: the `ServiceInfo` static, the handler trait, the
    /// adapter and the descriptor set it serves for reflection.
    pub build_server: bool,
    /// Only these services (full proto names, `zitadel.auth.v1.AuthService`); all when `None`.
    pub services: Option<Vec<String>>,
    /// Default bodies for the handler traits' methods, answering UNIMPLEMENTED (tonic's
    /// `generate_default_stubs`): a handler implements only the methods it serves.
    pub default_stubs: bool,
    /// `(path, attribute)`: attributes on matching messages and enums (prost's `type_attribute`).
    pub type_attributes: Vec<(String, String)>,
    /// `(path, attribute)`: attributes on matching messages (prost's `message_attribute`).
    pub message_attributes: Vec<(String, String)>,
    /// `(path, attribute)`: attributes on matching enums (prost's `enum_attribute`).
    pub enum_attributes: Vec<(String, String)>,
    /// `(path, attribute)`: attributes on matching fields (prost's `field_attribute`).
    pub field_attributes: Vec<(String, String)>,
    /// Paths whose `bytes` fields are `bytes::Bytes` instead of `Vec<u8>`.
    pub bytes: Vec<String>,
    /// Paths whose map fields are `BTreeMap` instead of `HashMap`.
    pub btree_map: Vec<String>,
    /// Paths of message fields held in a `Box`.
    pub boxed: Vec<String>,
    /// `(proto path, Rust path)`: types generated elsewhere, used instead of generating them.
    pub extern_paths: Vec<(String, String)>,
    /// Paths whose proto comments are not carried into the Rust code (prost's
    /// `disable_comments`).
    pub disable_comments: Vec<String>,
    /// The API reference: Markdown and HTML pages under `docs/`.
    pub docs: bool,
    /// proto3 JSON: serde impls through `protogate::json`. The server needs them (REST and
    /// Connect speak JSON).
    pub json: bool,
    /// Validators from PGV and protovalidate rules; when off every message still implements
    /// `protogate::Validate`, checking nothing.
    pub validators: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            build_client: false,
            build_server: true,
            services: None,
            default_stubs: false,
            type_attributes: Vec::new(),
            message_attributes: Vec::new(),
            enum_attributes: Vec::new(),
            field_attributes: Vec::new(),
            bytes: Vec::new(),
            btree_map: Vec::new(),
            boxed: Vec::new(),
            extern_paths: Vec::new(),
            disable_comments: Vec::new(),
            docs: true,
            json: true,
            validators: true,
        }
    }
}

impl Options {
    /// Whether the service `full_name` (`zitadel.auth.v1.AuthService`) is generated.
    pub fn wants_service(&self, full_name: &str) -> bool {
        match &self.services {
            None => true,
            Some(names) => names
                .iter()
                .any(|n| n.strip_prefix('.').unwrap_or(n) == full_name),
        }
    }

    /// Whether the comments of `full_name` (a service, method or message, without the
    /// leading dot) are left out.
    pub fn comments_disabled(&self, full_name: &str) -> bool {
        self.disable_comments
            .iter()
            .any(|pattern| path_matches(pattern, full_name))
    }

    /// Why these options cannot generate code, if they cannot.
    pub fn conflict(&self) -> Option<&'static str> {
        if self.build_server && !self.json {
            return Some(
                "json(false) needs build_server(false): the server reads and writes proto3 JSON on REST and Connect",
            );
        }
        None
    }
}

/// prost-build's path matching: `.` matches everything, `.pkg.Msg` a type and what it holds
/// (by whole name segments), a name without a leading dot the end of a path (`Msg.field`).
pub fn path_matches(pattern: &str, full_name: &str) -> bool {
    if pattern == "." {
        return true;
    }
    match pattern.strip_prefix('.') {
        Some(prefix) => {
            full_name == prefix
                || full_name
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('.'))
        }
        None => {
            full_name == pattern
                || full_name
                    .strip_suffix(pattern)
                    .is_some_and(|rest| rest.ends_with('.'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_as_prost_matches_them() {
        assert!(path_matches(".", "a.b.C"));
        assert!(path_matches(".a.b", "a.b.C"));
        assert!(path_matches(".a.b.C", "a.b.C"));
        assert!(!path_matches(".a.b", "a.bc.C"));
        assert!(path_matches("C.field", "a.b.C.field"));
        assert!(!path_matches("C.field", "a.b.XC.field"));
    }

    #[test]
    fn json_off_with_the_server_on_is_a_conflict() {
        let options = Options {
            json: false,
            ..Options::default()
        };
        assert!(options.conflict().is_some());
        let options = Options {
            json: false,
            build_server: false,
            ..Options::default()
        };
        assert!(options.conflict().is_none());
    }
}
