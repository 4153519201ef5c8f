//! The emission check: every message, enum and service of every package has its code (the prost
//! struct or enum, its JSON code, tonic's client module), so a generator that skips a
//! package or a type fails the run instead of leaving a hole the compiler reports far away.

use std::collections::{BTreeMap, BTreeSet};

use super::messages::{internal, PackageCode};
use super::options::Options;
use crate::diag::Diagnostic;
use crate::model::Api;
use crate::names;

/// How many gaps the diagnostic lists by name.
const LISTED: usize = 20;

/// Fails with one internal diagnostic naming every type and service whose code is missing.
pub fn check(
    api: &Api,
    upstream: &BTreeMap<String, PackageCode>,
    options: &Options,
) -> Result<(), Diagnostic> {
    let empty = PackageCode::default();
    let mut gaps: Vec<String> = Vec::new();
    for package in &api.packages {
        let code = upstream.get(&package.name).unwrap_or(&empty);
        let items = declared_items(&code.prost);
        let json_messages = json_types(&code.serde, super::json::MESSAGES);
        let json_enums = json_types(&code.serde, super::json::ENUMS);
        let types = package
            .messages
            .iter()
            .map(|m| ("message", &m.full_name, &m.rust_path))
            .chain(
                package
                    .enums
                    .iter()
                    .map(|e| ("enum", &e.full_name, &e.rust_path)),
            );
        for (kind, full_name, rust_path) in types.filter(|(_, n, _)| api.extern_type(n).is_none()) {
            let mut missing = Vec::new();
            if !items.contains(rust_path.as_str()) {
                missing.push(format!("the prost {kind}"));
            }
            let json = match kind {
                "message" => &json_messages,
                _ => &json_enums,
            };
            if options.json && !json.contains(rust_path.as_str()) {
                missing.push("the JSON code".to_string());
            }
            if !missing.is_empty() {
                gaps.push(format!(
                    "{kind} `{full_name}`: {} (expected at `{rust_path}` in {})",
                    missing.join(" and "),
                    names::package_file_name(&package.name)
                ));
            }
        }
        for service in package.services.iter().filter(|_| options.build_client) {
            // tonic's client module, when asked for: protogate serves gRPC itself.
            let client = names::tonic_module(&service.name, "client");
            if !items.contains(client.as_str()) {
                gaps.push(format!(
                    "service `{}`: tonic's module `{client}` (in {})",
                    service.full_name,
                    names::package_file_name(&package.name)
                ));
            }
        }
    }
    if gaps.is_empty() {
        return Ok(());
    }
    let total = gaps.len();
    let mut listed: Vec<String> = gaps.into_iter().take(LISTED).collect();
    if total > LISTED {
        listed.push(format!("… and {} more", total - LISTED));
    }
    Err(internal(format!(
        "generated code is missing for {total} declaration(s):\n  {}",
        listed.join("\n  ")
    )))
}

/// The types the JSON code's invocation of `name` lists (`::protogate::json_message!(`, then
/// `Outer::Inner, Other,` lines), read once per package rather than once per type.
fn json_types<'a>(serde: &'a str, name: &str) -> BTreeSet<&'a str> {
    super::json::invoked(serde, name).into_iter().collect()
}

/// The paths of the structs, enums and modules prost and tonic declared (`outer::Inner`),
/// read from their formatted output.
fn declared_items(code: &str) -> BTreeSet<String> {
    let mut items = BTreeSet::new();
    // Open modules with the indentation of their `pub mod` line.
    let mut modules: Vec<(usize, String)> = Vec::new();
    for line in code.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed == "}" && modules.last().is_some_and(|(i, _)| *i == indent) {
            modules.pop();
            continue;
        }
        let declared = ["pub struct ", "pub enum ", "pub mod "]
            .iter()
            .find_map(|keyword| Some((*keyword, trimmed.strip_prefix(keyword)?)));
        let Some((keyword, rest)) = declared else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '#')
            .collect();
        let path: Vec<&str> = modules
            .iter()
            .map(|(_, m)| m.as_str())
            .chain([name.as_str()])
            .collect();
        items.insert(path.join("::"));
        if keyword == "pub mod " && rest.trim_end().ends_with('{') {
            modules.push((indent, name));
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Enum, Message, Package, Service};

    fn message(full_name: &str, rust_path: &str) -> Message {
        Message {
            name: rust_path
                .rsplit("::")
                .next()
                .unwrap_or(rust_path)
                .to_string(),
            full_name: full_name.to_string(),
            package: "demo.type".to_string(),
            rust_path: rust_path.to_string(),
            fields: vec![],
            oneofs: vec![],
            message_oneofs: vec![],
            cel: vec![],
            validation_disabled: false,
            validation_ignored: false,
            dialect: crate::model::Dialect::Pgv,
            docs: Default::default(),
            location: Default::default(),
        }
    }

    fn api() -> Api {
        Api::new(vec![Package {
            name: "demo.type".to_string(),
            files: vec!["demo/type.proto".to_string()],
            services: vec![Service {
                name: "Bank".to_string(),
                full_name: "demo.type.Bank".to_string(),
                package: "demo.type".to_string(),
                methods: vec![],
                docs: Default::default(),
                location: Default::default(),
                base_path: String::new(),
                path_prefix: String::new(),
            }],
            messages: vec![
                message("demo.type.Money", "Money"),
                message("demo.type.Money.Cents", "money::Cents"),
            ],
            enums: vec![Enum {
                name: "Currency".to_string(),
                full_name: "demo.type.Currency".to_string(),
                package: "demo.type".to_string(),
                rust_path: "Currency".to_string(),
                values: vec![],
                docs: Default::default(),
            }],
            file_options: vec![],
        }])
    }

    /// The client is checked when it is asked for.
    fn with_client() -> Options {
        Options {
            build_client: true,
            ..Options::default()
        }
    }

    /// The JSON code's two lists, as the JSON emitter writes them.
    fn serde_for(messages: &[&str], enums: &[&str]) -> String {
        use super::super::json::{invocation, ENUMS, MESSAGES};
        let owned = |types: &[&str]| types.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        invocation(MESSAGES, &owned(messages)) + &invocation(ENUMS, &owned(enums))
    }

    const PROST: &str = "pub struct Money {\n    pub units: i64,\n}\n/// Nested message and enum types in `Money`.\npub mod money {\n    pub struct Cents {}\n}\npub enum Currency {\n    Unspecified = 0,\n}\npub mod bank_client {\n}\npub mod bank_server {\n    pub struct BankServer<T> {}\n}\n";

    #[test]
    fn a_complete_emission_passes() {
        let code = PackageCode {
            prost: PROST.to_string(),
            serde: serde_for(&["Money", "money::Cents"], &["Currency"]),
        };
        let upstream = BTreeMap::from([("demo.type".to_string(), code)]);
        assert_eq!(check(&api(), &upstream, &with_client()), Ok(()));
    }

    #[test]
    fn no_client_is_looked_for_unless_asked_for_and_no_json_code_without_json() {
        let code = PackageCode {
            prost: PROST.replace("pub mod bank_client {\n}\n", ""),
            serde: String::new(),
        };
        let upstream = BTreeMap::from([("demo.type".to_string(), code)]);
        let lean = Options {
            json: false,
            build_server: false,
            ..Options::default()
        };
        assert_eq!(check(&api(), &upstream, &lean), Ok(()));
        let text = check(&api(), &upstream, &with_client())
            .expect_err("client and serde asked for")
            .to_string();
        assert!(text.contains("tonic's module `bank_client`"), "{text}");
        assert!(text.contains("the JSON code"), "{text}");
    }

    #[test]
    fn a_package_dropped_whole_names_every_declaration() {
        // What happened to `demo.type` when output was looked up by the proto package name
        // while the generators keyed it by module (`demo.r#type`).
        let upstream = BTreeMap::from([("demo.r#type".to_string(), PackageCode::default())]);
        let err = check(&api(), &upstream, &with_client()).expect_err("the gap must be reported");
        let text = err.to_string();
        assert!(text.contains("missing for 4 declaration(s)"), "{text}");
        assert!(
            text.contains("message `demo.type.Money`: the prost message and the JSON code (expected at `Money` in demo.r#type.rs)"),
            "{text}"
        );
        assert!(text.contains("enum `demo.type.Currency`"), "{text}");
        assert!(
            text.contains("service `demo.type.Bank`: tonic's module `bank_client`"),
            "{text}"
        );
    }

    #[test]
    fn a_missing_nested_struct_or_serde_impl_is_named() {
        let code = PackageCode {
            // `Cents` declared at the top level instead of in `money`.
            prost: PROST.replace(
                "pub mod money {\n    pub struct Cents {}\n}\n",
                "pub struct Cents {}\n",
            ),
            serde: serde_for(&["money::Cents"], &["Currency"]),
        };
        let upstream = BTreeMap::from([("demo.type".to_string(), code)]);
        let text = check(&api(), &upstream, &with_client())
            .expect_err("the gaps must be reported")
            .to_string();
        assert!(
            text.contains("message `demo.type.Money`: the JSON code"),
            "{text}"
        );
        assert!(
            text.contains(
                "message `demo.type.Money.Cents`: the prost message (expected at `money::Cents`"
            ),
            "{text}"
        );
        assert!(!text.contains("Currency"), "{text}");
    }
}
