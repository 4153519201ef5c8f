//! Types generated elsewhere (prost's `extern_path`): where they live in Rust, so protogate's
//! code names them there and emits nothing of its own for them.

use super::Api;

impl Api {
    /// Records the Rust path of every message and enum that one of `paths` (`(".pkg",
    /// "::other_crate::pkg")`, a package or a type, as prost-build takes them) covers; the
    /// longest matching proto path wins, as in prost-build. The services of a package covered
    /// by a path are left out too.
    pub fn apply_extern_paths(&mut self, paths: &[(String, String)]) {
        let mut found = Vec::new();
        let types = self.packages.iter().flat_map(|p| {
            p.messages
                .iter()
                .map(|m| (&m.full_name, &m.package, &m.rust_path))
                .chain(
                    p.enums
                        .iter()
                        .map(|e| (&e.full_name, &e.package, &e.rust_path)),
                )
        });
        for (full_name, package, rust_path) in types {
            let best = paths
                .iter()
                .filter_map(|(proto, rust)| {
                    let proto = proto.strip_prefix('.')?;
                    let path = self.extern_rust_path(proto, rust, full_name, package, rust_path)?;
                    Some((proto.len(), path))
                })
                .max_by_key(|(len, _)| *len);
            if let Some((_, path)) = best {
                found.push((full_name.clone(), path));
            }
        }
        self.extern_types.extend(found);
        // A package generated elsewhere has its services there too.
        let covered = |full_name: &str| {
            paths.iter().any(|(proto, _)| {
                proto.strip_prefix('.').is_some_and(|p| {
                    p.is_empty()
                        || full_name
                            .strip_prefix(p)
                            .is_some_and(|rest| rest.starts_with('.'))
                })
            })
        };
        for package in &mut self.packages {
            package.services.retain(|s| !covered(&s.full_name));
        }
    }

    /// The Rust path of the type `full_name` when the extern path `proto` → `rust` covers it.
    fn extern_rust_path(
        &self,
        proto: &str,
        rust: &str,
        full_name: &str,
        package: &str,
        rust_path: &str,
    ) -> Option<String> {
        if full_name == proto {
            return Some(rust.to_string());
        }
        let inside = |outer: &str, inner: &str| {
            outer.is_empty()
                || inner
                    .strip_prefix(outer)
                    .is_some_and(|rest| rest.starts_with('.'))
        };
        if !inside(proto, full_name) {
            return None;
        }
        if proto == package || inside(proto, package) {
            // A package (or a parent of it): its modules below `rust`, then the type.
            let below = package.strip_prefix(proto).unwrap_or("");
            let mut segments = vec![rust.to_string()];
            segments.extend(crate::names::package_module_path(below));
            segments.push(rust_path.to_string());
            return Some(segments.join("::"));
        }
        // A message: its nested types sit in its module, beside `rust`.
        let outer = self.message(proto)?;
        let outer_module = outer.rust_path.rsplit_once("::").map_or("", |(m, _)| m);
        let nested = rust_path
            .strip_prefix(outer_module)
            .map(|r| r.trim_start_matches("::"))?;
        let parent = rust.rsplit_once("::").map_or("", |(p, _)| p);
        Some(if parent.is_empty() {
            nested.to_string()
        } else {
            format!("{parent}::{nested}")
        })
    }

    /// Where the type `full_name` lives when it is generated elsewhere.
    pub fn extern_type(&self, full_name: &str) -> Option<&str> {
        self.extern_types.get(full_name).map(String::as_str)
    }
}
