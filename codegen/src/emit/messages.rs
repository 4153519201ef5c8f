//! Messages (prost-build), the tonic service (tonic-prost-build) and proto3 JSON (pbjson-build),
//! generated in memory per package.

use std::collections::BTreeMap;

use prost::Message as _;
use prost_build::Module;
use prost_reflect::FileDescriptor;

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

/// Per package: the prost + tonic code and the pbjson serde impls.
pub fn generate(
    files: &[FileDescriptor],
    all: &prost_reflect::DescriptorPool,
) -> Result<BTreeMap<String, (String, String)>, Diagnostic> {
    // prost-build resolves every referenced type through the requests, so all files go in
    // (well-known types included); only the emitted packages are kept.
    // Sorted by file name so the output does not depend on how the input was compiled
    // (protox's order and a descriptor set's order differ).
    let mut files_by_name: Vec<_> = all.files().collect();
    files_by_name.sort_by(|a, b| a.name().cmp(b.name()));
    let requests: Vec<(Module, prost_types::FileDescriptorProto)> = files_by_name
        .into_iter()
        .map(|f| {
            let mut proto = f.file_descriptor_proto().clone();
            super::rustdoc::sanitize_source_info(&mut proto);
            (Module::from_protobuf_package_name(f.package_name()), proto)
        })
        .collect();
    let wanted: std::collections::BTreeSet<String> =
        files.iter().map(|f| f.package_name().to_string()).collect();

    let mut config = prost_build::Config::new();
    config
        .compile_well_known_types()
        .extern_path(".google.protobuf", "::pbjson_types")
        .extern_path(".google.protobuf.Timestamp", TIMESTAMP)
        .extern_path(".google.protobuf.FieldMask", FIELD_MASK)
        .extern_path(".google.protobuf.Any", ANY)
        .enable_type_names()
        .type_name_domain(["."], "type.googleapis.com")
        .format(true)
        .service_generator(
            tonic_prost_build::configure()
                .build_client(true)
                .build_server(false)
                .build_transport(false)
                .service_generator(),
        );
    let set = prost_types::FileDescriptorSet {
        file: all.file_descriptor_protos().cloned().collect(),
    };
    let bytes = set.encode_to_vec();
    let packages: Vec<String> = {
        let mut p: Vec<String> = files
            .iter()
            .map(|f| format!(".{}", f.package_name()))
            .collect();
        p.sort();
        p.dedup();
        p
    };
    // pbjson's serde impls do not depend on prost's output: they are generated on a second
    // thread while prost and tonic run on this one.
    let (modules, serde) = std::thread::scope(|scope| {
        let json = scope.spawn(|| {
            std::panic::catch_unwind(|| serde_impls(&bytes, &packages)).unwrap_or_else(|panic| {
                Err(internal(format!(
                    "pbjson-build panicked: {}",
                    panic_text(&panic)
                )))
            })
        });
        // A panic in a code generator must surface as a diagnostic, never abort the build.
        let modules =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| config.generate(requests)))
                .map_err(|panic| internal(format!("prost-build panicked: {}", panic_text(&panic))))
                .and_then(|r| r.map_err(|e| internal(format!("prost-build failed: {e}"))));
        let serde = json
            .join()
            .unwrap_or_else(|_| Err(internal("pbjson-build's thread failed".to_string())));
        (modules, serde)
    });
    let (modules, serde) = (modules?, serde?);
    let mut serde_by_package: BTreeMap<String, String> = BTreeMap::new();
    for (package, bytes) in serde {
        serde_by_package
            .entry(package.to_string())
            .or_default()
            .push_str(&String::from_utf8_lossy(&bytes));
    }

    let mut out = BTreeMap::new();
    for (module, code) in modules {
        let package = module.parts().collect::<Vec<_>>().join(".");
        if !wanted.contains(&package) {
            continue;
        }
        let serde = serde_by_package.remove(&package).unwrap_or_default();
        out.insert(package, (code, serde));
    }
    for (package, serde) in serde_by_package {
        out.entry(package)
            .or_insert_with(|| (String::new(), String::new()))
            .1 = serde;
    }
    Ok(out)
}

/// pbjson's serde impls for `packages`, as text per package.
fn serde_impls(
    descriptors: &[u8],
    packages: &[String],
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let mut json = pbjson_build::Builder::new();
    // Unknown fields are ignored on input, as grpc-gateway and Connect do.
    json.ignore_unknown_fields();
    json.register_descriptors(descriptors)
        .map_err(|e| internal(format!("pbjson-build could not read the descriptors: {e}")))?
        .extern_path(".google.protobuf", "::pbjson_types")
        .extern_path(".google.protobuf.Timestamp", TIMESTAMP)
        .extern_path(".google.protobuf.FieldMask", FIELD_MASK)
        .extern_path(".google.protobuf.Any", ANY);
    let generated = json
        .generate(packages, |_| Ok(Vec::<u8>::new()))
        .map_err(|e| internal(format!("pbjson-build failed: {e}")))?;
    Ok(generated
        .into_iter()
        .map(|(package, code)| (package.to_string(), code))
        .collect())
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".to_string())
}

fn internal(message: String) -> Diagnostic {
    Diagnostic::error(
        "codegen-internal",
        Location::new("<generator>", 0, 0),
        message,
    )
    .hint("this is a protogate bug or an unsupported construct; please report it with the schema")
}
