//! Generator wall time: protogate's whole pipeline against tonic-prost-build alone (messages and
//! gRPC only), on the same descriptors, interleaved.

use std::path::{Path, PathBuf};

use prost::Message as _;
use protogate_codegen::emit::files;
use protogate_codegen::model::build::ModelOptions;
use protogate_codegen::pipeline::{self, Inputs, ProtoSource};

use super::stats::{time, Samples};

/// A schema to generate from.
#[derive(Debug, Clone)]
pub struct Case {
    /// Shown in the tables.
    pub name: String,
    /// The proto files; empty when the schema exists only as a descriptor set (ZITADEL's).
    pub files: Vec<PathBuf>,
    /// Include directories.
    pub includes: Vec<PathBuf>,
    /// The OpenAPI document, when the schema has one.
    pub openapi: Option<PathBuf>,
    /// The same files as a serialized FileDescriptorSet (imports and source info included).
    pub descriptor_set: PathBuf,
    /// RPCs in the schema.
    pub rpcs: usize,
}

impl Case {
    /// Whether the `.proto` files are at hand (else only the descriptor-set variants run).
    pub fn has_proto_files(&self) -> bool {
        !self.files.is_empty()
    }
}

/// One way of generating code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// protogate from the descriptor-set file.
    ProtogateFds,
    /// tonic-prost-build from the descriptor-set file.
    TonicFds,
    /// protogate from the `.proto` files.
    ProtogateProto,
    /// protox + tonic-prost-build from the `.proto` files.
    TonicProto,
}

impl Variant {
    /// All variants, in their first-round order.
    pub const ALL: [Variant; 4] = [
        Variant::ProtogateFds,
        Variant::TonicFds,
        Variant::ProtogateProto,
        Variant::TonicProto,
    ];

    /// The generator that runs.
    pub fn side(self) -> &'static str {
        match self {
            Variant::ProtogateFds | Variant::ProtogateProto => "protogate",
            Variant::TonicFds | Variant::TonicProto => "tonic-prost-build",
        }
    }

    /// Whether the variant reads the `.proto` files.
    pub fn from_proto_files(self) -> bool {
        matches!(self, Variant::ProtogateProto | Variant::TonicProto)
    }

    /// The directory-name tag.
    fn tag(self) -> &'static str {
        match self {
            Variant::ProtogateFds => "protogate-fds",
            Variant::TonicFds => "tonic-fds",
            Variant::ProtogateProto => "protogate-proto",
            Variant::TonicProto => "tonic-proto",
        }
    }
}

/// What one case measured.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case.
    pub case: Case,
    /// Samples per variant, in [`Variant::ALL`] order.
    pub samples: [Samples; 4],
    /// Output files and bytes per variant (from the last repetition).
    pub output: [(usize, usize); 4],
    /// Why a variant failed (it is not run again after a failure).
    pub errors: [Option<String>; 4],
}

impl CaseResult {
    /// The samples of one variant.
    pub fn of(&self, v: Variant) -> &Samples {
        &self.samples[index(v)]
    }

    /// The output size of one variant.
    pub fn output_of(&self, v: Variant) -> (usize, usize) {
        self.output[index(v)]
    }

    /// Why one variant failed, if it did.
    pub fn error_of(&self, v: Variant) -> Option<&str> {
        self.errors[index(v)].as_deref()
    }
}

fn index(v: Variant) -> usize {
    Variant::ALL.iter().position(|x| *x == v).unwrap_or(0)
}

/// Writes the case's FileDescriptorSet the way `protoc --include_imports --include_source_info`
/// would.
pub fn write_descriptor_set(
    files: &[PathBuf],
    includes: &[PathBuf],
    out: &Path,
) -> Result<(), String> {
    let mut compiler = protox::Compiler::new(includes).map_err(|e| e.to_string())?;
    compiler.include_imports(true).include_source_info(true);
    compiler.open_files(files).map_err(|e| e.to_string())?;
    std::fs::write(out, compiler.encode_file_descriptor_set())
        .map_err(|e| format!("{}: {e}", out.display()))
}

/// Runs one variant into an empty `out` directory.
pub fn run_variant(case: &Case, v: Variant, out: &Path) -> Result<(), String> {
    match v {
        Variant::ProtogateFds => protogate(
            case,
            ProtoSource::DescriptorSet(case.descriptor_set.clone()),
            out,
        ),
        Variant::ProtogateProto => protogate(
            case,
            ProtoSource::Files {
                files: case.files.clone(),
                includes: case.includes.clone(),
            },
            out,
        ),
        Variant::TonicFds => {
            let bytes = std::fs::read(&case.descriptor_set).map_err(|e| e.to_string())?;
            let fds = prost_types::FileDescriptorSet::decode(bytes.as_slice())
                .map_err(|e| e.to_string())?;
            tonic(fds, out)
        }
        Variant::TonicProto => {
            let fds = protox::compile(&case.files, &case.includes).map_err(|e| e.to_string())?;
            tonic(fds, out)
        }
    }
}

fn protogate(case: &Case, proto: ProtoSource, out: &Path) -> Result<(), String> {
    let inputs = Inputs {
        proto,
        openapi: case.openapi.clone(),
        model: ModelOptions::default(),
    };
    let output = pipeline::run(&inputs).map_err(|d| d.to_string())?;
    files::write(out, &output.files, &output.binary_files).map_err(|e| e.to_string())?;
    Ok(())
}

/// tonic-prost-build as a build.rs would call it: messages, client and server, no transport.
pub fn tonic(fds: prost_types::FileDescriptorSet, out: &Path) -> Result<(), String> {
    tonic_prost_build::configure()
        .build_transport(false)
        .out_dir(out)
        .compile_fds(fds)
        .map_err(|e| e.to_string())
}

/// Measures every variant `reps` times after one unrecorded warm-up round, rotating the order
/// each round so no variant always runs first. A variant that fails is recorded and dropped; the
/// others go on.
pub fn measure(case: &Case, scratch: &Path, reps: usize) -> Result<CaseResult, String> {
    let mut samples: [Samples; 4] = Default::default();
    let mut output = [(0, 0); 4];
    let mut errors: [Option<String>; 4] = Default::default();
    for round in 0..=reps {
        for k in 0..Variant::ALL.len() {
            let v = Variant::ALL[(k + round) % Variant::ALL.len()];
            if errors[index(v)].is_some() || (v.from_proto_files() && !case.has_proto_files()) {
                continue;
            }
            let out = scratch.join(v.tag());
            if out.exists() {
                std::fs::remove_dir_all(&out).map_err(|e| e.to_string())?;
            }
            std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
            let (result, took) = time(|| run_variant(case, v, &out));
            if let Err(e) = result {
                eprintln!("  error: {} failed: {e}", v.tag());
                errors[index(v)] = Some(e);
                continue;
            }
            if round > 0 {
                samples[index(v)].push(took);
            }
            output[index(v)] = dir_size(&out);
        }
    }
    Ok(CaseResult {
        case: case.clone(),
        samples,
        output,
        errors,
    })
}

/// Files and bytes under `dir`.
pub fn dir_size(dir: &Path) -> (usize, usize) {
    let (mut n, mut bytes) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                n += 1;
                bytes += entry.metadata().map(|m| m.len() as usize).unwrap_or(0);
            }
        }
    }
    (n, bytes)
}
