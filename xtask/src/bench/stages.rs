//! Where protogate's time goes: each pipeline stage timed on its own, by calling the stage
//! functions the pipeline calls, in the same order.
//!
//! `emit::rust` is one call: the upstream generators, then protogate's own code, parsing and
//! formatting. It is split here by timing its upstream part (`emit::messages::generate`) on its
//! own and subtracting it.

use protogate_codegen::diag::Diagnostics;
use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::{check, emit, load, model};

use super::codegen::Case;
use super::stats::{time, Samples};

/// The stages, in pipeline order.
pub const STAGES: &[&str] = &[
    "load: protox compile (or the descriptor set, where only that exists)",
    "load: OpenAPI document",
    "model: build",
    "check: rules",
    "check: OpenAPI",
    "emit: prost + tonic + proto3 JSON (`emit::messages::generate`)",
    "emit: the rest of `emit::rust` (protogate's own code, parsing, formatting)",
    "emit: docs",
];

/// Stages that only run when the schema has an OpenAPI document.
pub fn needs_openapi(stage: &str) -> bool {
    stage.contains("OpenAPI")
}

/// Samples per stage, in [`STAGES`] order.
pub fn measure(case: &Case, reps: usize) -> Result<Vec<Samples>, String> {
    let mut out = vec![Samples::default(); STAGES.len()];
    for round in 0..=reps {
        let mut took = Vec::with_capacity(STAGES.len());
        let (proto, t) = time(|| {
            if case.has_proto_files() {
                load::proto::compile(&case.files, &case.includes).map_err(text)
            } else {
                load::descriptor_set::read(&case.descriptor_set).map_err(text)
            }
        });
        let proto = proto?;
        took.push(t);
        let (openapi, t) = time(|| {
            let doc = case.openapi.as_deref().map(load::openapi::read);
            doc.transpose().map_err(text)
        });
        let openapi = openapi?;
        took.push(t);
        let mut diags = Diagnostics::default();
        let (mut api, t) =
            time(|| model::build::build(&proto, &ModelOptions::default(), &mut diags));
        took.push(t);
        // The REST base path only changes string literals; any value times the same.
        api.base_path = "/".into();
        took.push(time(|| check::rules::check(&api, &mut diags)).1);
        took.push(
            time(|| {
                openapi
                    .as_ref()
                    .map(|doc| check::openapi::check(&api, doc, &mut diags))
            })
            .1,
        );
        if diags.has_errors() {
            return Err(diags.sorted().to_string());
        }
        let (upstream, t_upstream) = time(|| {
            let emitted = model::build::emitted_files(&proto);
            emit::messages::generate(&api, &emitted, &proto.pool, &emit::Options::default())
                .map_err(text)
        });
        upstream?;
        let (rust, t_rust) =
            time(|| emit::rust(&proto, &api, &emit::Options::default()).map_err(text));
        rust?;
        took.push(t_upstream);
        took.push(t_rust.saturating_sub(t_upstream));
        let (docs, t) = time(|| emit::docs::generate(&api, openapi.as_ref()).map_err(text));
        docs?;
        took.push(t);
        if round > 0 {
            for (samples, t) in out.iter_mut().zip(took) {
                samples.push(t);
            }
        }
    }
    Ok(out)
}

/// A diagnostic as text (it is shown, never inspected).
fn text(d: protogate_codegen::diag::Diagnostic) -> String {
    d.to_string()
}
