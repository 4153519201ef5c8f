//! APIs of hundreds of RPCs must work: a synthetic schema of 500 RPCs in 30 service files goes
//! through the whole pipeline, in process, and every method comes out.

use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::pipeline::{self, Inputs, ProtoSource};
use xtask::synth::{self, Spec};

#[test]
fn synthetic_schema_of_500_rpcs_in_30_files_generates_every_method() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = Spec {
        rpcs: 500,
        files: 30,
    };
    let schema =
        synth::write(dir.path(), spec, &xtask::workspace_root()).expect("write the schema");
    assert!(schema.files.len() >= 30, "{} files", schema.files.len());

    let inputs = Inputs {
        proto: ProtoSource::Files {
            files: schema.files.clone(),
            includes: schema.includes.clone(),
        },
        openapi: None,
        model: ModelOptions::default(),
    };
    let output =
        pipeline::run(&inputs).unwrap_or_else(|diags| panic!("the pipeline failed:\n{diags}"));
    assert_eq!(output.warnings.errors().count(), 0, "{}", output.warnings);

    let methods: Vec<_> = output
        .api
        .packages
        .iter()
        .flat_map(|p| &p.services)
        .flat_map(|s| &s.methods)
        .collect();
    assert_eq!(methods.len(), 500);
    let code: String = output
        .files
        .iter()
        .filter(|(name, _)| name.ends_with(".rs"))
        .map(|(_, text)| text.as_str())
        .collect();
    assert_eq!(
        code.matches("grpc_path:").count(),
        500,
        "one MethodInfo per RPC"
    );
    for m in &methods {
        let service = m
            .full_name
            .rsplit_once('.')
            .map(|(s, _)| s)
            .unwrap_or_default();
        let path = format!("\"/{service}/{}\"", m.name);
        assert!(code.contains(&path), "no route table entry for {path}");
    }
    for package in &schema.packages {
        assert!(
            output.files.contains_key(&format!("{package}.rs")),
            "no file for package {package}"
        );
        assert!(
            output
                .files
                .contains_key(&format!("{package}.protogate.rs")),
            "no protogate file for package {package}"
        );
    }
}
