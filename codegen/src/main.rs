//! `protogate gen (--proto FILE… -I DIR… | --descriptor-set FILE) [--openapi FILE] --out DIR [--check]`

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use protogate_codegen::model::build::ModelOptions;
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
    /// Check the schema and generate Rust code (and API reference pages) into --out.
    Gen(GenArgs),
}

#[derive(Args)]
struct GenArgs {
    /// Proto files to generate code for (with their imports).
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
    /// The OpenAPI 3.0 document the proto must agree with.
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Gen(args) => gen(args),
    }
}

fn gen(args: GenArgs) -> ExitCode {
    let proto = match args.descriptor_set {
        Some(path) => ProtoSource::DescriptorSet(path),
        None => ProtoSource::Files {
            files: args.protos,
            includes: args.includes,
        },
    };
    let inputs = Inputs {
        proto,
        openapi: args.openapi,
        model: ModelOptions {
            auth_option: args.auth_option,
        },
    };
    let output = match pipeline::run(&inputs) {
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
        return match protogate_codegen::emit::files::check(&args.out, &output.files) {
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
    match protogate_codegen::emit::files::write(&args.out, &output.files) {
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
