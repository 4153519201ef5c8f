//! The pipeline both build.rs and the CLI run: load → model → check → emit.

use std::path::PathBuf;

use crate::check;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::emit::{self, BinaryFiles, Files};
use crate::load::{self, openapi::OpenApiDoc, ProtoInput};
use crate::model::{
    self,
    build::{ModelOptions, UnenforcedRules},
    Api,
};

/// Where the proto input comes from.
#[derive(Debug, Clone)]
pub enum ProtoSource {
    /// `.proto` files and include directories, compiled with protox.
    Files {
        /// The files to generate code for.
        files: Vec<PathBuf>,
        /// Include directories.
        includes: Vec<PathBuf>,
    },
    /// A serialized FileDescriptorSet with its imports.
    DescriptorSet(PathBuf),
}

/// What to generate from.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The proto input.
    pub proto: ProtoSource,
    /// The OpenAPI document to check against, if any.
    pub openapi: Option<PathBuf>,
    /// Model settings.
    pub model: ModelOptions,
}

/// The result of a successful run.
#[derive(Debug)]
pub struct Output {
    /// Generated files by name.
    pub files: Files,
    /// Generated binary files by name (the descriptor sets the package files include).
    pub binary_files: BinaryFiles,
    /// Warnings (errors stop the run).
    pub warnings: Diagnostics,
    /// Every file that was read (for `cargo:rerun-if-changed`).
    pub inputs_read: Vec<PathBuf>,
    /// The model, for callers that want more (its `base_path` is the REST base path).
    pub api: Api,
}

/// An emitted OpenAPI document (`protogate openapi`).
#[derive(Debug)]
pub struct OpenApiOutput {
    /// The document's text.
    pub text: String,
    /// Warnings (errors stop the run), the emitter's included.
    pub warnings: Diagnostics,
}

/// What loading and checking found: everything an emitter needs.
struct Checked {
    proto: ProtoInput,
    openapi: Option<OpenApiDoc>,
    api: Api,
    diags: Diagnostics,
}

/// load → model → check; any error diagnostic stops it.
fn load_and_check(inputs: &Inputs, unenforced: UnenforcedRules) -> Result<Checked, Diagnostics> {
    let one = |d: Diagnostic| Diagnostics(vec![d]);
    let proto: ProtoInput = match &inputs.proto {
        ProtoSource::Files { files, includes } => {
            load::proto::compile(files, includes).map_err(one)?
        }
        ProtoSource::DescriptorSet(path) => load::descriptor_set::read(path).map_err(one)?,
    };
    let openapi: Option<OpenApiDoc> = match &inputs.openapi {
        Some(path) => Some(load::openapi::read(path).map_err(one)?),
        None => None,
    };
    let mut diags = Diagnostics::default();
    let mut api = model::build::build(&proto, &inputs.model, &mut diags);
    api.base_path = base_path(&api, openapi.as_ref());
    let base = api.base_path.clone();
    api.place_services(&base);
    check::rules::check(&api, &mut diags);
    if let Some(doc) = &openapi {
        check::openapi::check(&api, doc, &mut diags);
    }
    check::unenforced::apply(unenforced, &mut diags);
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    Ok(Checked {
        proto,
        openapi,
        api,
        diags,
    })
}

/// Loads and checks the inputs like [`run`], then emits one OpenAPI document for every
/// `google.api.http` binding instead of Rust code.
pub fn openapi(
    inputs: &Inputs,
    version: emit::openapi::Version,
    format: emit::openapi::Format,
) -> Result<OpenApiOutput, Diagnostics> {
    // A document enforces nothing: rules the validators cannot enforce are only warnings here.
    let mut checked = load_and_check(inputs, UnenforcedRules::Warn)?;
    let settings = emit::openapi::Settings { version };
    let (document, warnings) = emit::openapi::document(&checked.api, &settings);
    checked.diags.0.extend(warnings);
    let text = emit::openapi::render(&document, format).map_err(|d| Diagnostics(vec![d]))?;
    Ok(OpenApiOutput {
        text,
        warnings: checked.diags.sorted(),
    })
}

/// Runs the pipeline with the default output options. Any error diagnostic stops it; all of
/// them are returned.
pub fn run(inputs: &Inputs) -> Result<Output, Diagnostics> {
    run_with(inputs, &emit::Options::default())
}

/// Runs the pipeline, generating what `options` asks for.
pub fn run_with(inputs: &Inputs, options: &emit::Options) -> Result<Output, Diagnostics> {
    let one = |d: Diagnostic| Diagnostics(vec![d]);
    if let Some(conflict) = options.conflict() {
        return Err(one(Diagnostic::error(
            "output-options",
            Location::new("<options>", 0, 0),
            conflict.to_string(),
        )));
    }
    let Checked {
        proto,
        openapi,
        mut api,
        diags,
    } = load_and_check(inputs, inputs.model.unenforced_rules)?;
    if let Some(names) = &options.services {
        let unknown: Vec<&String> = names
            .iter()
            .filter(|n| {
                let n = n.strip_prefix('.').unwrap_or(n);
                !api.services().any(|s| s.full_name == n)
            })
            .collect();
        if let Some(name) = unknown.first() {
            return Err(one(Diagnostic::error(
                "output-options",
                Location::new("<options>", 0, 0),
                format!("no service `{name}` in the schema (name it with its package: `pkg.v1.Service`)"),
            )));
        }
        for package in &mut api.packages {
            package
                .services
                .retain(|s| options.wants_service(&s.full_name));
        }
    }
    api.apply_extern_paths(&options.extern_paths);
    let emit::RustOutput {
        mut files,
        binary: binary_files,
    } = emit::rust(&proto, &api, options).map_err(one)?;
    if options.docs {
        files.extend(emit::docs::generate(&api, openapi.as_ref()).map_err(one)?);
    }
    let mut inputs_read = proto.read_paths.clone();
    if let Some(path) = &inputs.openapi {
        inputs_read.push(path.clone());
    }
    Ok(Output {
        files,
        binary_files,
        warnings: diags.sorted(),
        inputs_read,
        api,
    })
}

/// The REST base path: the OpenAPI document's first server path (Swagger's `basePath`), else
/// the base path every service's file declares (`openapiv2_swagger.base_path`), else none.
/// Services under another base path carry the difference in their routes (see
/// [`Api::place_services`]).
fn base_path(api: &Api, openapi: Option<&OpenApiDoc>) -> String {
    if let Some(path) = openapi.and_then(OpenApiDoc::base_path) {
        return path;
    }
    api.shared_base_path()
}

/// A diagnostic for an I/O failure on the output side.
pub fn io_error(path: &std::path::Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "output-io",
        Location::new(path.display().to_string(), 0, 0),
        format!("cannot write generated code: {e}"),
    )
}
