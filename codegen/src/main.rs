//! `protogate gen (--proto FILE… -I DIR… | --descriptor-set FILE) [--openapi FILE] --out DIR [--check]`
//! `protogate diff --against OLD (--proto FILE… -I DIR… | --descriptor-set FILE) [--openapi NEW
//!  --against-openapi OLD_DOC] [--category C] [--format F] [--fail-on W] [--acknowledged FILE]`

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use protogate_codegen::model::build::{ModelOptions, UnenforcedRules};
use protogate_codegen::pipeline::{self, Inputs, ProtoSource};

#[derive(Parser)]
#[command(
    name = "protogate",
    version,
    about = "Generate a protogate service from proto files and an OpenAPI document"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Emit one OpenAPI document (3.1, or 3.0) for every service's google.api.http bindings.
    Openapi(OpenapiArgs),
    /// Check the schema and generate Rust code (and API reference pages) into --out.
    Gen(GenArgs),
    /// Report what changed against an older version of the schema, and what of it breaks
    /// clients (buf's breaking rules plus HTTP, validation, auth and OpenAPI rules).
    /// Exit codes: 0 nothing to fail on, 1 the --fail-on condition met, 2 usage or schema error.
    Diff(DiffArgs),
}

#[derive(Args)]
struct DiffArgs {
    /// The old version: a descriptor-set file, a directory standing for the include root that
    /// holds the inputs, or `git:REF` (the same paths at that revision).
    #[arg(long, value_name = "OLD")]
    against: String,
    #[command(flatten)]
    proto: ProtoArgs,
    /// The new OpenAPI document (with --against-openapi).
    #[arg(long, value_name = "NEW", requires = "against_openapi")]
    openapi: Option<PathBuf>,
    /// The old OpenAPI document: a file, or `git:REF`.
    #[arg(long, value_name = "OLD_DOC", requires = "openapi")]
    against_openapi: Option<String>,
    /// buf's category whose rules decide what breaks.
    #[arg(long, value_enum, default_value_t = CategoryArg::File)]
    category: CategoryArg,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// What makes the command exit 1.
    #[arg(long, value_enum, default_value_t = FailOnArg::Breaking)]
    fail_on: FailOnArg,
    /// Breaking changes released on purpose: `RULE ELEMENT` a line.
    #[arg(long, value_name = "FILE")]
    acknowledged: Option<PathBuf>,
    /// The method option that carries the permission guard.
    #[arg(
        long,
        value_name = "EXTENSION",
        default_value = "zitadel.v1.auth_option"
    )]
    auth_option: String,
}

#[derive(Clone, Copy, clap::ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
enum CategoryArg {
    File,
    Package,
    WireJson,
    Wire,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOnArg {
    Breaking,
    Any,
    None,
}

/// The proto input every command takes: files with include directories, or a descriptor set.
#[derive(Args)]
struct ProtoArgs {
    /// Proto files to read (with their imports).
    #[arg(
        long = "proto",
        value_name = "FILE",
        required_unless_present = "descriptor_set",
        conflicts_with = "descriptor_set"
    )]
    protos: Vec<PathBuf>,
    /// Include directories for imports.
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    includes: Vec<PathBuf>,
    /// A serialized FileDescriptorSet (`protoc --include_imports -o`, `buf build -o`) instead of --proto.
    #[arg(long, value_name = "FILE")]
    descriptor_set: Option<PathBuf>,
}

impl ProtoArgs {
    fn source(self) -> ProtoSource {
        match self.descriptor_set {
            Some(path) => ProtoSource::DescriptorSet(path),
            None => ProtoSource::Files {
                files: self.protos,
                includes: self.includes,
            },
        }
    }
}

#[derive(Args)]
struct GenArgs {
    #[command(flatten)]
    proto: ProtoArgs,
    /// The OpenAPI document (3.0, 3.1 or Swagger 2.0) the proto must agree with.
    #[arg(long, value_name = "FILE")]
    openapi: Option<PathBuf>,
    /// The output directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write nothing; exit 1 if --out differs from what would be generated.
    #[arg(long)]
    check: bool,
    /// The method option that carries the permission guard.
    #[arg(
        long,
        value_name = "EXTENSION",
        default_value = "zitadel.v1.auth_option"
    )]
    auth_option: String,
    /// Generate even when validation rules cannot be enforced (each becomes a warning and
    /// must be enforced by the handler); without it they are errors.
    #[arg(long)]
    allow_unenforced_rules: bool,
    #[command(flatten)]
    output: OutputArgs,
}

/// What the generated code contains (`Builder`'s knobs, with tonic-prost-build's names).
#[derive(Args)]
struct OutputArgs {
    /// Also generate tonic's client for each service.
    #[arg(long)]
    build_client: bool,
    /// Generate no server side (handler traits, adapters, service tables).
    #[arg(long)]
    no_server: bool,
    /// Generate only this service (full name, `pkg.v1.Service`); repeat for more.
    #[arg(long = "service", value_name = "NAME")]
    services: Vec<String>,
    /// Handler trait methods answer UNIMPLEMENTED unless implemented.
    #[arg(long)]
    generate_default_stubs: bool,
    /// `PATH=ATTRIBUTE` on matching messages and enums (prost's type_attribute).
    #[arg(long, value_name = "PATH=ATTRIBUTE", value_parser = path_and_value)]
    type_attribute: Vec<(String, String)>,
    /// `PATH=ATTRIBUTE` on matching messages.
    #[arg(long, value_name = "PATH=ATTRIBUTE", value_parser = path_and_value)]
    message_attribute: Vec<(String, String)>,
    /// `PATH=ATTRIBUTE` on matching enums.
    #[arg(long, value_name = "PATH=ATTRIBUTE", value_parser = path_and_value)]
    enum_attribute: Vec<(String, String)>,
    /// `PATH=ATTRIBUTE` on matching fields (`.pkg.Message.field`).
    #[arg(long, value_name = "PATH=ATTRIBUTE", value_parser = path_and_value)]
    field_attribute: Vec<(String, String)>,
    /// `bytes` fields under PATH as `bytes::Bytes`.
    #[arg(long, value_name = "PATH")]
    bytes: Vec<String>,
    /// Map fields under PATH as `BTreeMap`.
    #[arg(long, value_name = "PATH")]
    btree_map: Vec<String>,
    /// Message fields matching PATH in a `Box`.
    #[arg(long, value_name = "PATH")]
    boxed: Vec<String>,
    /// `PROTO_PATH=RUST_PATH`: a type generated elsewhere.
    #[arg(long, value_name = "PROTO_PATH=RUST_PATH", value_parser = path_and_value)]
    extern_path: Vec<(String, String)>,
    /// Leave the proto comments under PATH out of the Rust code.
    #[arg(long, value_name = "PATH")]
    disable_comments: Vec<String>,
    /// Write no API reference pages (docs/).
    #[arg(long)]
    no_docs: bool,
    /// Generate no proto3 JSON (needs --no-server).
    #[arg(long)]
    no_json: bool,
    /// Generate no validators (messages still implement Validate, checking nothing).
    #[arg(long)]
    no_validators: bool,
}

impl OutputArgs {
    fn options(self) -> protogate_codegen::emit::Options {
        protogate_codegen::emit::Options {
            build_client: self.build_client,
            build_server: !self.no_server,
            services: (!self.services.is_empty()).then_some(self.services),
            default_stubs: self.generate_default_stubs,
            type_attributes: self.type_attribute,
            message_attributes: self.message_attribute,
            enum_attributes: self.enum_attribute,
            field_attributes: self.field_attribute,
            bytes: self.bytes,
            btree_map: self.btree_map,
            boxed: self.boxed,
            extern_paths: self.extern_path,
            disable_comments: self.disable_comments,
            docs: !self.no_docs,
            json: !self.no_json,
            validators: !self.no_validators,
        }
    }
}

/// `PATH=VALUE`, split at the first `=` (attributes may hold more).
fn path_and_value(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((path, value)) if !path.is_empty() && !value.is_empty() => {
            Ok((path.to_string(), value.to_string()))
        }
        _ => Err(format!("expected PATH=VALUE, found `{arg}`")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Openapi(args) => openapi(args),
        Command::Gen(args) => gen(args),
        Command::Diff(args) => diff(args),
    }
}

fn diff(args: DiffArgs) -> ExitCode {
    use protogate_codegen::diff::{self, report, Category, FailOn};
    let new = args.proto.source();
    let request = diff::Request {
        new,
        against: diff::old::Against::parse(&args.against),
        openapi: args.openapi.zip(args.against_openapi),
        acknowledged: args.acknowledged,
        options: diff::Options {
            category: match args.category {
                CategoryArg::File => Category::File,
                CategoryArg::Package => Category::Package,
                CategoryArg::WireJson => Category::WireJson,
                CategoryArg::Wire => Category::Wire,
            },
            model: ModelOptions {
                auth_option: args.auth_option,
                ..ModelOptions::default()
            },
        },
    };
    let outcome = match diff::compare(&request) {
        Ok(outcome) => outcome,
        Err(diags) => {
            eprintln!("{diags}");
            return ExitCode::from(2);
        }
    };
    let format = match args.format {
        FormatArg::Text => report::Format::Text,
        FormatArg::Json => report::Format::Json,
        FormatArg::Markdown => report::Format::Markdown,
    };
    let unused: Vec<&diff::ack::Entry> = outcome.unused.iter().collect();
    println!("{}", report::render(&outcome.findings, &unused, format));
    let fail_on = match args.fail_on {
        FailOnArg::Breaking => FailOn::Breaking,
        FailOnArg::Any => FailOn::Any,
        FailOnArg::None => FailOn::None,
    };
    if fail_on.met(&outcome.findings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn gen(args: GenArgs) -> ExitCode {
    let proto = args.proto.source();
    let inputs = Inputs {
        proto,
        openapi: args.openapi,
        model: ModelOptions {
            auth_option: args.auth_option,
            unenforced_rules: if args.allow_unenforced_rules {
                UnenforcedRules::Warn
            } else {
                UnenforcedRules::Deny
            },
        },
    };
    let options = args.output.options();
    let output = match pipeline::run_with(&inputs, &options) {
        Ok(output) => output,
        Err(diags) => {
            eprintln!("{diags}");
            return ExitCode::from(1);
        }
    };
    for warning in &output.warnings.0 {
        eprintln!("{warning}\n");
    }
    if args.check {
        return match protogate_codegen::emit::files::check(
            &args.out,
            &output.files,
            &output.binary_files,
        ) {
            Ok(staleness) if staleness.is_fresh() => {
                eprintln!(
                    "{} is up to date ({} files)",
                    args.out.display(),
                    output.files.len()
                );
                ExitCode::SUCCESS
            }
            Ok(staleness) => {
                eprintln!(
                    "{} is stale:\n{staleness}regenerate it (cargo xtask gen)",
                    args.out.display()
                );
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("{}", pipeline::io_error(&args.out, &e));
                ExitCode::from(1)
            }
        };
    }
    match protogate_codegen::emit::files::write(&args.out, &output.files, &output.binary_files) {
        Ok(written) => {
            eprintln!(
                "generated {} files into {} ({} changed)",
                output.files.len(),
                args.out.display(),
                written.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", pipeline::io_error(&args.out, &e));
            ExitCode::from(1)
        }
    }
}

#[derive(Args)]
struct OpenapiArgs {
    #[command(flatten)]
    proto: ProtoArgs,
    /// The OpenAPI version.
    #[arg(long, default_value = "3.1", value_parser = ["3.1", "3.0"])]
    version: String,
    /// The file to write (YAML for .yaml / .yml, else JSON); standard output when absent.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The method option that carries the permission guard (methods with it need a bearer token).
    #[arg(
        long,
        value_name = "EXTENSION",
        default_value = "zitadel.v1.auth_option"
    )]
    auth_option: String,
}

/// `protogate openapi (--proto FILE… -I DIR… | --descriptor-set FILE) [--version 3.1|3.0] [--out FILE]`
fn openapi(args: OpenapiArgs) -> ExitCode {
    use protogate_codegen::emit::openapi::{Format, Version};
    let proto = args.proto.source();
    let inputs = Inputs {
        proto,
        openapi: None,
        model: ModelOptions {
            auth_option: args.auth_option,
            ..ModelOptions::default()
        },
    };
    let version = match args.version.parse::<Version>() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let format = args
        .out
        .as_deref()
        .map(Format::for_path)
        .unwrap_or_default();
    let output = match pipeline::openapi(&inputs, version, format) {
        Ok(output) => output,
        Err(diags) => {
            eprintln!("{diags}");
            return ExitCode::from(1);
        }
    };
    for warning in &output.warnings.0 {
        eprintln!("{warning}\n");
    }
    let Some(path) = args.out else {
        print!("{}", output.text);
        return ExitCode::SUCCESS;
    };
    match std::fs::write(&path, &output.text) {
        Ok(()) => {
            eprintln!("wrote the OpenAPI document to {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", pipeline::io_error(&path, &e));
            ExitCode::from(1)
        }
    }
}
