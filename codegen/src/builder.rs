//! `Builder`: the build.rs entry point. It runs the same pipeline as `protogate gen`.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostics;
use crate::model::build::{ModelOptions, UnenforcedRules};
use crate::pipeline::{self, Inputs, ProtoSource};

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The schema has errors; each names its file and line.
    #[error("the schema has errors:\n{0}")]
    Schema(Diagnostics),
    /// The output could not be written.
    #[error("cannot write generated code to {path}: {source}")]
    Io {
        /// The output directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// No output directory: not run from a build script and no `out_dir` given.
    #[error("OUT_DIR is not set: call Builder::out_dir when not running in build.rs")]
    NoOutDir,
    /// Neither proto files nor a descriptor set.
    #[error("no input: call Builder::proto or Builder::descriptor_set")]
    NoInput,
}

/// Configures and runs code generation from a build script.
///
/// ```no_run
/// protogate_codegen::Builder::new()
///     .proto("schemas/proto/zitadel/auth.proto")
///     .include("schemas/proto")
///     .openapi("schemas/auth.openapi.yaml")
///     .compile()
///     .expect("schema errors");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Builder {
    protos: Vec<PathBuf>,
    includes: Vec<PathBuf>,
    descriptor_set: Option<PathBuf>,
    openapi: Option<PathBuf>,
    openapi_out: Option<PathBuf>,
    openapi_version: crate::emit::openapi::Version,
    out_dir: Option<PathBuf>,
    auth_option: Option<String>,
    emit_cargo: bool,
    diff_against: Option<String>,
    allow_unenforced_rules: bool,
    options: crate::emit::Options,
}

impl Builder {
    /// A builder that prints `cargo:` directives (build.rs use).
    pub fn new() -> Builder {
        Builder {
            emit_cargo: true,
            ..Builder::default()
        }
    }

    /// Adds a proto file to generate code for.
    pub fn proto(mut self, path: impl AsRef<Path>) -> Builder {
        self.protos.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds an include directory for imports.
    pub fn include(mut self, dir: impl AsRef<Path>) -> Builder {
        self.includes.push(dir.as_ref().to_path_buf());
        self
    }

    /// Reads a serialized FileDescriptorSet instead of proto files.
    pub fn descriptor_set(mut self, path: impl AsRef<Path>) -> Builder {
        self.descriptor_set = Some(path.as_ref().to_path_buf());
        self
    }

    /// Checks the proto against this OpenAPI document (3.0, 3.1 or Swagger 2.0).
    pub fn openapi(mut self, path: impl AsRef<Path>) -> Builder {
        self.openapi = Some(path.as_ref().to_path_buf());
        self
    }

    /// Also writes one OpenAPI document for every `google.api.http` binding to `path` (JSON, or
    /// YAML for a `.yaml` / `.yml` name), OpenAPI 3.1 unless [`Builder::openapi_version`] says
    /// otherwise. A relative path is relative to the build script's working directory, the
    /// package root.
    pub fn openapi_out(mut self, path: impl AsRef<Path>) -> Builder {
        self.openapi_out = Some(path.as_ref().to_path_buf());
        self
    }

    /// The OpenAPI version [`Builder::openapi_out`] writes (default 3.1).
    pub fn openapi_version(mut self, version: crate::emit::openapi::Version) -> Builder {
        self.openapi_version = version;
        self
    }

    /// Writes the OpenAPI document [`Builder::openapi_out`] asks for, if it changed.
    fn write_openapi(&self, output: &pipeline::Output) -> Result<(), Error> {
        use crate::emit::openapi;
        let Some(path) = &self.openapi_out else {
            return Ok(());
        };
        let settings = openapi::Settings {
            version: self.openapi_version,
        };
        let (document, warnings) = openapi::document(&output.api, &settings);
        if self.emit_cargo {
            for warning in &warnings {
                for line in warning.to_string().lines() {
                    println!("cargo:warning={line}");
                }
            }
        }
        let text = openapi::render(&document, openapi::Format::for_path(path))
            .map_err(|d| Error::Schema(Diagnostics(vec![d])))?;
        if std::fs::read_to_string(path).ok().as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        std::fs::write(path, text).map_err(io)
    }

    /// Whether to generate tonic's client for each service (off by default: protogate serves
    /// every protocol itself, the client is for callers of the API).
    pub fn build_client(mut self, yes: bool) -> Builder {
        self.options.build_client = yes;
        self
    }

    /// Whether to generate the server side of each service: the handler trait, the adapter,
    /// the `ServiceInfo` static and the descriptor set for reflection (on by default).
    pub fn build_server(mut self, yes: bool) -> Builder {
        self.options.build_server = yes;
        self
    }

    /// Generates only these services (full proto names, `zitadel.auth.v1.AuthService`); every
    /// message of the input is still generated. Naming a service the schema does not have is
    /// an error.
    pub fn services<I, S>(mut self, names: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options
            .services
            .get_or_insert_with(Vec::new)
            .extend(names.into_iter().map(Into::into));
        self
    }

    /// Whether the handler traits' methods get default bodies that answer UNIMPLEMENTED
    /// (tonic's `generate_default_stubs`; off by default), so a handler implements only what
    /// it serves.
    pub fn generate_default_stubs(mut self, yes: bool) -> Builder {
        self.options.default_stubs = yes;
        self
    }

    /// Adds an attribute to the messages and enums matching `path` (as prost-build's
    /// `type_attribute`: `.` for all, `.pkg.Message`, `Message`).
    pub fn type_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Builder {
        self.options
            .type_attributes
            .push((path.into(), attribute.into()));
        self
    }

    /// Adds an attribute to the messages matching `path` (prost-build's `message_attribute`).
    pub fn message_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Builder {
        self.options
            .message_attributes
            .push((path.into(), attribute.into()));
        self
    }

    /// Adds an attribute to the enums matching `path` (prost-build's `enum_attribute`).
    pub fn enum_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Builder {
        self.options
            .enum_attributes
            .push((path.into(), attribute.into()));
        self
    }

    /// Adds an attribute to the fields matching `path` (prost-build's `field_attribute`:
    /// `.pkg.Message.field`).
    pub fn field_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Builder {
        self.options
            .field_attributes
            .push((path.into(), attribute.into()));
        self
    }

    /// `bytes` fields under these paths are `bytes::Bytes` instead of `Vec<u8>`.
    pub fn bytes<I, S>(mut self, paths: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.bytes.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Map fields under these paths are `BTreeMap` instead of `HashMap`. proto3 JSON decides
    /// per message, so a selected map field takes the other maps of its message (and of the
    /// messages nested in it) along.
    pub fn btree_map<I, S>(mut self, paths: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options
            .btree_map
            .extend(paths.into_iter().map(Into::into));
        self
    }

    /// Message fields matching `path` are held in a `Box` (prost-build's `boxed`).
    pub fn boxed(mut self, path: impl Into<String>) -> Builder {
        self.options.boxed.push(path.into());
        self
    }

    /// Uses the Rust type at `rust_path` for the proto type or package `proto_path` instead of
    /// generating it (prost-build's `extern_path`: `(".knobs.v1", "::knobs_types::v1")`). The
    /// types there must be protogate's (they implement `protogate::Validate` and the schema
    /// tables the server reads), e.g. generated by another crate's build script.
    pub fn extern_path(
        mut self,
        proto_path: impl Into<String>,
        rust_path: impl Into<String>,
    ) -> Builder {
        self.options
            .extern_paths
            .push((proto_path.into(), rust_path.into()));
        self
    }

    /// Proto comments under these paths are not carried into the Rust code (prost-build's
    /// `disable_comments`; it covers protogate's handler traits too).
    pub fn disable_comments<I, S>(mut self, paths: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options
            .disable_comments
            .extend(paths.into_iter().map(Into::into));
        self
    }

    /// Whether to write the API reference pages (Markdown and HTML under `docs/`; on by
    /// default).
    pub fn docs(mut self, yes: bool) -> Builder {
        self.options.docs = yes;
        self
    }

    /// Whether to generate proto3 JSON (serde impls through `protogate::json`; on by default). The server
    /// speaks JSON, so turning it off needs [`Builder::build_server`]`(false)`.
    pub fn json(mut self, yes: bool) -> Builder {
        self.options.json = yes;
        self
    }

    /// Whether to generate validators from the schema's PGV and protovalidate rules (on by
    /// default). Without them every message still implements `protogate::Validate`, checking
    /// nothing.
    pub fn validators(mut self, yes: bool) -> Builder {
        self.options.validators = yes;
        self
    }

    /// Writes here instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Builder {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The method option that carries the permission guard (default `zitadel.v1.auth_option`).
    pub fn auth_option(mut self, extension: impl Into<String>) -> Builder {
        self.auth_option = Some(extension.into());
        self
    }

    /// Before generating, reports what changed against `against` (a descriptor set, a
    /// directory holding the old versions of the inputs, or `git:REF`) as `cargo:warning`
    /// lines: every breaking change under buf's FILE category and protogate's HTTP,
    /// validation and auth rules. The report never fails the build; `protogate diff
    /// --fail-on breaking` is the gate.
    pub fn diff_against(mut self, against: impl Into<String>) -> Builder {
        self.diff_against = Some(against.into());
        self
    }

    /// Generates validators even when the schema has rules they cannot enforce, reporting
    /// each as a `cargo:warning` instead of failing the build; the handler must then enforce
    /// them. Off by default: validation is closed, never silently open.
    pub fn allow_unenforced_rules(mut self) -> Builder {
        self.allow_unenforced_rules = true;
        self
    }

    /// Whether to print `cargo:rerun-if-changed` and `cargo:warning` lines (on by default).
    pub fn emit_cargo_directives(mut self, yes: bool) -> Builder {
        self.emit_cargo = yes;
        self
    }

    /// Generates the code. Prints `cargo:rerun-if-changed` for exactly the files read, so an
    /// unchanged schema never reruns the build script.
    pub fn compile(self) -> Result<(), Error> {
        let out_dir = match self
            .out_dir
            .clone()
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from))
        {
            Some(d) => d,
            None => return Err(Error::NoOutDir),
        };
        let proto = match (&self.descriptor_set, self.protos.is_empty()) {
            (Some(set), _) => ProtoSource::DescriptorSet(set.clone()),
            (None, false) => ProtoSource::Files {
                files: self.protos.clone(),
                includes: self.includes.clone(),
            },
            (None, true) => return Err(Error::NoInput),
        };
        let mut model = ModelOptions::default();
        if let Some(auth) = &self.auth_option {
            model.auth_option = auth.clone();
        }
        if self.allow_unenforced_rules {
            model.unenforced_rules = UnenforcedRules::Warn;
        }
        let inputs = Inputs {
            proto,
            openapi: self.openapi.clone(),
            model,
        };
        if let Some(against) = &self.diff_against {
            self.report_changes(against, &inputs);
        }
        let result = pipeline::run_with(&inputs, &self.options);
        if self.emit_cargo {
            // On failure the inputs still matter: fixing them must rerun the script.
            let read: Vec<PathBuf> = match &result {
                Ok(output) => output.inputs_read.clone(),
                Err(_) => self
                    .protos
                    .iter()
                    .chain(&self.includes)
                    .chain(&self.descriptor_set)
                    .chain(&self.openapi)
                    .cloned()
                    .collect(),
            };
            for path in read {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        let output = result.map_err(Error::Schema)?;
        if self.emit_cargo {
            for warning in &output.warnings.0 {
                for line in warning.to_string().lines() {
                    println!("cargo:warning={line}");
                }
            }
        }
        crate::emit::files::write(&out_dir, &output.files, &output.binary_files).map_err(
            |source| Error::Io {
                path: out_dir,
                source,
            },
        )?;
        self.write_openapi(&output)?;
        Ok(())
    }

    /// Prints the change report (breaking changes first) as `cargo:warning` lines.
    fn report_changes(&self, against: &str, inputs: &Inputs) {
        let request = crate::diff::Request {
            new: inputs.proto.clone(),
            against: crate::diff::old::Against::parse(against),
            openapi: None,
            acknowledged: None,
            options: crate::diff::Options {
                model: inputs.model.clone(),
                ..crate::diff::Options::default()
            },
        };
        let lines: Vec<String> = match crate::diff::compare(&request) {
            Ok(outcome) => {
                let breaking: Vec<_> = outcome
                    .findings
                    .into_iter()
                    .filter(|f| f.breaking)
                    .collect();
                crate::diff::report::render(&breaking, &[], crate::diff::report::Format::Text)
                    .lines()
                    .map(str::to_string)
                    .collect()
            }
            Err(diags) => diags.to_string().lines().map(str::to_string).collect(),
        };
        if self.emit_cargo {
            for line in lines.iter().filter(|l| !l.trim().is_empty()) {
                println!("cargo:warning={line}");
            }
        }
    }
}
