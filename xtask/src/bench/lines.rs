//! What generated code consists of: formatted lines per kind of item, so a `cargo check` figure
//! can be traced to the code that costs it.

use std::path::Path;

use quote::ToTokens;

/// The kinds, in table order.
pub const KINDS: &[&str] = &[
    "messages and enums (prost)",
    "gRPC client and server (tonic)",
    "proto3 JSON (field tables and dispatch)",
    "validators (protogate)",
    "schema tables (protogate)",
    "route tables, handler traits, adapters (protogate)",
    "other",
];

/// Formatted lines per kind (indices into [`KINDS`]) over the given Rust files.
pub fn count(files: &[impl AsRef<Path>]) -> Result<Vec<usize>, String> {
    let mut out = vec![0; KINDS.len()];
    for path in files {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file = syn::parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for item in &file.items {
            add(item, &mut out);
        }
    }
    Ok(out)
}

/// [`count`] over the `.rs` files directly in `dir`, in name order.
pub fn count_dir(dir: &Path) -> Result<Vec<usize>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    count(&files)
}

fn add(item: &syn::Item, out: &mut [usize]) {
    if let syn::Item::Mod(m) = item {
        let name = m.ident.to_string();
        let is_tonic = name.ends_with("_client") || name.ends_with("_server");
        // protogate's method numbers of a service (`auth_service_methods::VERIFY_MY_PHONE`).
        let is_method_numbers = name.ends_with("_methods")
            && m.content
                .as_ref()
                .is_some_and(|(_, items)| items.iter().all(|i| matches!(i, syn::Item::Const(_))));
        if is_method_numbers {
            out[index("route tables")] += lines(item);
            return;
        }
        if let (false, Some((_, items))) = (is_tonic, &m.content) {
            // A message's nested types: sort them one by one.
            for inner in items {
                add(inner, out);
            }
            return;
        }
    }
    out[kind(item)] += lines(item);
}

/// The index in [`KINDS`] of the kind starting with `name` ("other" when none does).
fn index(name: &str) -> usize {
    KINDS
        .iter()
        .position(|k| k.starts_with(name))
        .unwrap_or(KINDS.len() - 1)
}

fn kind(item: &syn::Item) -> usize {
    let tokens = |t: &dyn ToTokens| t.to_token_stream().to_string();
    match item {
        syn::Item::Mod(_) => index("gRPC"),
        syn::Item::Impl(i) => {
            let of_trait = i
                .trait_
                .as_ref()
                .map(|(_, path, _)| tokens(path))
                .unwrap_or_default();
            if of_trait.contains("serde") || of_trait.contains("protogate :: json") {
                index("proto3 JSON")
            } else if of_trait.contains("protogate :: schema") || of_trait.contains("Described") {
                index("schema tables")
            } else if of_trait.contains("Validate") {
                index("validators")
            } else if of_trait.contains("prost") {
                index("messages")
            } else if tokens(i).contains("protogate") {
                index("route tables")
            } else if i.trait_.is_none() {
                // Inherent impls without protogate paths: prost's enum helpers.
                index("messages")
            } else {
                index("other")
            }
        }
        syn::Item::Struct(_) | syn::Item::Enum(_) if tokens(item).contains("prost") => {
            index("messages")
        }
        syn::Item::Macro(m) if tokens(&m.mac.path).contains("json_") => index("proto3 JSON"),
        // `prost::Name`, which prost-build writes out per message.
        syn::Item::Macro(m) if tokens(&m.mac.path).contains("prost_name") => index("messages"),
        syn::Item::Macro(m) if tokens(&m.mac.path).contains("nothing_to_validate") => {
            index("validators")
        }
        syn::Item::Use(_) | syn::Item::Macro(_) => index("other"),
        _ if tokens(item).contains("protogate") => index("route tables"),
        _ => index("other"),
    }
}

fn lines(item: &syn::Item) -> usize {
    let file = syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item.clone()],
    };
    prettyplease::unparse(&file).lines().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_items_by_what_generated_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.rs");
        std::fs::write(
            &path,
            r#"
            #[derive(Clone, PartialEq, ::prost::Message)]
            pub struct A { #[prost(string, tag = "1")] pub b: String }
            impl ::protogate::json::Message for A { const NAME: &'static str = "A"; }
            ::protogate::json_message!(A);
            ::protogate::prost_name!("a", A);
            ::protogate::nothing_to_validate!(A);
            impl __pg::Described for A { const INFO: __pg::Info = &__pg::message("a.A", &[]); }
            pub mod a { #[derive(Clone, Copy, ::prost::Oneof)] pub enum C { #[prost(int32, tag = "2")] D(i32) } }
            pub mod svc_server { pub trait Svc {} }
            pub static SVC: ::protogate::ServiceInfo = ::protogate::ServiceInfo {};
            pub mod svc_methods { pub const GET: usize = 0; }
            "#,
        )
        .unwrap();
        let counts = count(&[&path]).unwrap();
        let k = |name: &str| counts[KINDS.iter().position(|k| k.starts_with(name)).unwrap()];
        assert!(k("messages") >= 8, "{counts:?}");
        assert!(k("proto3 JSON") >= 1, "{counts:?}");
        assert!(k("validators") >= 1, "{counts:?}");
        assert!(k("schema tables") >= 3, "{counts:?}");
        assert!(k("gRPC") >= 3, "{counts:?}");
        assert!(k("route tables") >= 4, "{counts:?}");
        assert_eq!(k("other"), 0, "{counts:?}");
    }
}
