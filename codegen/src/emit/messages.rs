//! Messages (prost-build), the tonic service (tonic-prost-build) and proto3 JSON (protogate's
//! own, `emit::json`), generated in memory per package.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use prost_build::Module;
use prost_reflect::{FileDescriptor, Kind, MessageDescriptor};

use super::options::Options;
use crate::diag::{Diagnostic, Location};

/// pbjson-types writes `+00:00` where proto3 JSON requires `Z`; the runtime's Timestamp is
/// wire-identical and canonical.
pub const TIMESTAMP: &str = "::protogate::wkt::Timestamp";

/// pbjson-types reads and writes FieldMask as `{"paths": […]}`; proto3 JSON wants one string of
/// lowerCamelCase paths joined by commas.
pub const FIELD_MASK: &str = "::protogate::wkt::FieldMask";

/// pbjson-types writes Any as `{"typeUrl": …, "value": "<base64>"}`; proto3 JSON wants
/// `"@type"` plus the held message's own JSON.
pub const ANY: &str = "::protogate::wkt::Any";

/// `google.api.HttpBody` is the runtime's own type: REST reads and writes it as raw bytes, and
/// a schema that uses it needs no module for `google.api`.
pub const HTTP_BODY: &str = "::protogate::wkt::HttpBody";

/// One package's upstream code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageCode {
    /// prost's messages and enums and tonic's client and server modules.
    pub prost: String,
    /// The proto3 JSON code (`emit::json`).
    pub serde: String,
}

/// Per proto package (by its proto name, `""` for files without one): the prost + tonic code
/// and the proto3 JSON code.
pub fn generate(
    api: &crate::model::Api,
    files: &[FileDescriptor],
    all: &prost_reflect::DescriptorPool,
    options: &Options,
) -> Result<BTreeMap<String, PackageCode>, Diagnostic> {
    // prost-build generates and formats code for every file it is given, and only the emitted
    // packages are kept: the files no emitted type reaches (HTTP annotations, validation rules,
    // OpenAPI options) stay out. Sorted by file name so the output does not depend on how the
    // input was compiled (protox's order and a descriptor set's order differ).
    let needed = files_prost_needs(files);
    let mut files_by_name: Vec<_> = all.files().filter(|f| needed.contains(f.name())).collect();
    files_by_name.sort_by(|a, b| a.name().cmp(b.name()));
    let renames = super::enum_names::Renames::new(all)?;
    let requests: Vec<(Module, prost_types::FileDescriptorProto)> = files_by_name
        .into_iter()
        .map(|f| {
            let mut proto = f.file_descriptor_proto().clone();
            super::rustdoc::sanitize_source_info(&mut proto);
            renames.apply(&mut proto);
            (Module::from_protobuf_package_name(f.package_name()), proto)
        })
        .collect();
    // prost-build keys its output by module (`demo.r#type`, `demo.shop_v1`), never by the proto
    // package name: map each back through prost-build's own mapping.
    let wanted: BTreeMap<Module, String> = files
        .iter()
        .map(|f| {
            (
                Module::from_protobuf_package_name(f.package_name()),
                f.package_name().to_string(),
            )
        })
        .collect();

    let btree_map = BTreeMapSelection::new(all, &options.btree_map);
    let config = prost_config(options, &btree_map.prost_fields);
    // The JSON code does not depend on prost's output: it is generated on a second thread
    // while prost and tonic run on this one.
    let (modules, serde) = std::thread::scope(|scope| {
        let json = scope.spawn(|| {
            if options.json {
                super::json::generate(api, files)
            } else {
                BTreeMap::new()
            }
        });
        // A panic in a code generator must surface as a diagnostic, never abort the build.
        let mut config = config;
        let modules =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| config.generate(requests)))
                .map_err(|panic| internal(format!("prost-build panicked: {}", panic_text(&panic))))
                .and_then(|r| r.map_err(|e| internal(format!("prost-build failed: {e}"))));
        let serde = json
            .join()
            .map_err(|_| internal("the JSON code's thread failed".to_string()));
        (modules, serde)
    });
    let (modules, serde) = (modules?, serde?);

    let mut out: BTreeMap<String, PackageCode> = BTreeMap::new();
    for (module, mut code) in modules {
        if let Some(package) = wanted.get(&module) {
            renames.restore(package, &mut code);
            out.entry(package.clone()).or_default().prost = code;
        }
    }
    for (package, code) in serde {
        if wanted.values().any(|p| *p == package) {
            out.entry(package).or_default().serde.push_str(&code);
        }
    }
    Ok(out)
}

/// The names of the files prost-build must be given: the emitted files, and every file that
/// defines a type their messages and methods reach. prost-build looks each field's type up to
/// decide on `Box`, `Copy` and `Eq`, and panics on one it was not given; outside the emitted
/// packages those types are extern (the well-known types, `google.api.HttpBody`) and get no
/// code.
fn files_prost_needs(files: &[FileDescriptor]) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = files.iter().map(|f| f.name().to_string()).collect();
    let mut stack: Vec<MessageDescriptor> = Vec::new();
    for file in files {
        stack.extend(file.messages());
        for service in file.services() {
            for method in service.methods() {
                stack.push(method.input());
                stack.push(method.output());
            }
        }
    }
    let mut seen: HashSet<String> = HashSet::new();
    while let Some(message) = stack.pop() {
        if !seen.insert(message.full_name().to_string()) {
            continue;
        }
        names.insert(message.parent_file().name().to_string());
        stack.extend(message.child_messages());
        for field in message.fields() {
            match field.kind() {
                Kind::Message(inner) => stack.push(inner),
                Kind::Enum(e) => {
                    names.insert(e.parent_file().name().to_string());
                }
                _ => {}
            }
        }
    }
    names
}

/// prost-build's settings: protogate's well-known types and the output knobs prost and tonic
/// have. `prost::Name` comes from protogate's own code (`emit::prost_name`), one line a message.
fn prost_config(options: &Options, btree_map_fields: &[String]) -> prost_build::Config {
    let mut config = prost_build::Config::new();
    config
        .compile_well_known_types()
        .extern_path(".google.protobuf", "::pbjson_types")
        .extern_path(".google.protobuf.Timestamp", TIMESTAMP)
        .extern_path(".google.protobuf.FieldMask", FIELD_MASK)
        .extern_path(".google.protobuf.Any", ANY)
        .extern_path(".google.api.HttpBody", HTTP_BODY)
        .format(true)
        .bytes(&options.bytes)
        .btree_map(btree_map_fields)
        .disable_comments(&options.disable_comments);
    for (proto_path, rust_path) in &options.extern_paths {
        config.extern_path(proto_path, rust_path);
    }
    for (path, attribute) in &options.type_attributes {
        config.type_attribute(path, attribute);
    }
    for (path, attribute) in &options.message_attributes {
        config.message_attribute(path, attribute);
    }
    for (path, attribute) in &options.enum_attributes {
        config.enum_attribute(path, attribute);
    }
    for (path, attribute) in &options.field_attributes {
        config.field_attribute(path, attribute);
    }
    for path in &options.boxed {
        config.boxed(path);
    }
    if options.build_client {
        config.service_generator(Box::new(SelectedServices {
            inner: tonic_prost_build::configure()
                .build_client(true)
                .build_server(false)
                .build_transport(false)
                .disable_comments(options.disable_comments.iter().cloned())
                .service_generator(),
            options: options.clone(),
        }));
    }
    config
}

/// Which map fields are `BTreeMap`s: a message with a field the patterns select has all its
/// maps, and those of its nested messages, selected (the JSON code takes either map type).
struct BTreeMapSelection {
    /// `.pkg.Message.field` for every selected map field (for prost).
    prost_fields: Vec<String>,
    /// `.pkg.Message` for every message whose maps are selected.
    selected_messages: Vec<String>,
}

impl BTreeMapSelection {
    fn new(pool: &prost_reflect::DescriptorPool, patterns: &[String]) -> BTreeMapSelection {
        let mut selection = BTreeMapSelection {
            prost_fields: Vec::new(),
            selected_messages: Vec::new(),
        };
        if patterns.is_empty() {
            return selection;
        }
        let selected = |field: &prost_reflect::FieldDescriptor| {
            field.is_map()
                && patterns
                    .iter()
                    .any(|p| super::options::path_matches(p, field.full_name()))
        };
        for message in pool.all_messages() {
            if message.fields().any(|f| selected(&f)) {
                selection
                    .selected_messages
                    .push(format!(".{}", message.full_name()));
            }
        }
        for message in pool.all_messages() {
            let covered = selection.selected_messages.iter().any(|m| {
                let name = format!(".{}", message.full_name());
                name == *m
                    || name
                        .strip_prefix(m.as_str())
                        .is_some_and(|r| r.starts_with('.'))
            });
            if covered {
                selection.prost_fields.extend(
                    message
                        .fields()
                        .filter(|f| f.is_map())
                        .map(|f| format!(".{}", f.full_name())),
                );
            }
        }
        selection
    }
}

/// tonic's client generator, for the services the options select only.
struct SelectedServices {
    inner: Box<dyn prost_build::ServiceGenerator>,
    options: Options,
}

impl prost_build::ServiceGenerator for SelectedServices {
    fn generate(&mut self, service: prost_build::Service, buf: &mut String) {
        let full_name = if service.package.is_empty() {
            service.proto_name.clone()
        } else {
            format!("{}.{}", service.package, service.proto_name)
        };
        if !self.options.wants_service(&full_name) {
            return;
        }
        let mut service = service;
        if self.options.comments_disabled(&full_name) {
            service.comments = prost_build::Comments::default();
        }
        for method in &mut service.methods {
            if self
                .options
                .comments_disabled(&format!("{full_name}.{}", method.proto_name))
            {
                method.comments = prost_build::Comments::default();
            }
        }
        self.inner.generate(service, buf);
    }

    fn finalize(&mut self, buf: &mut String) {
        self.inner.finalize(buf);
    }

    fn finalize_package(&mut self, package: &str, buf: &mut String) {
        self.inner.finalize_package(package, buf);
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".to_string())
}

pub(crate) fn internal(message: String) -> Diagnostic {
    Diagnostic::error(
        "codegen-internal",
        Location::new("<generator>", 0, 0),
        message,
    )
    .hint("this is a protogate bug or an unsupported construct; please report it with the schema")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prost_gets_the_emitted_files_and_the_types_they_reach_only() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let includes = vec![root.join("schemas/proto")];
        let files = vec![root.join("schemas/proto/zitadel/auth.proto")];
        let input = crate::load::proto::compile(&files, &includes).unwrap();
        let emitted = crate::model::build::emitted_files(&input);
        let needed = files_prost_needs(&emitted);
        for name in ["zitadel/auth.proto", "zitadel/user.proto"] {
            assert!(needed.contains(name), "{name} missing from {needed:?}");
        }
        assert!(
            needed.iter().any(|n| n.starts_with("google/protobuf/")),
            "the well-known types the fields use: {needed:?}"
        );
        for name in [
            "validate/validate.proto",
            "google/api/http.proto",
            "protoc-gen-openapiv2/options/openapiv2.proto",
        ] {
            assert!(!needed.contains(name), "{name} in {needed:?}");
        }
    }
}
