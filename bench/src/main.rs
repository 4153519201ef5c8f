//! `protogate-bench`: `serve` one of the two servers, or `load` both and report.

use std::net::SocketAddr;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use protogate_bench::auth::Tokens;
use protogate_bench::logic::Phones;
use protogate_bench::serve::{self, Variant};

#[derive(Parser)]
#[command(
    name = "protogate-bench",
    about = "Serving benchmarks: protogate against a hand-written baseline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves one variant until SIGTERM, Ctrl-C or the end of standard input; prints
    /// `listening on ADDR` first.
    Serve {
        /// Which server.
        #[arg(long, value_enum)]
        variant: Variant,
        /// Where to listen (port 0: any free port).
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
        /// How many users to seed, each with a phone and a pending code.
        #[arg(long, default_value_t = 256)]
        users: usize,
    },
    /// Runs the load benchmark against both variants and the peers (connectrpc,
    /// connect-node) and writes the Serving section of BENCHMARKS.md.
    Load(protogate_bench::load::Options),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            variant,
            addr,
            users,
        } => serve_until_stopped(variant, addr, users),
        Command::Load(options) => protogate_bench::load::run(options),
    }
}

fn serve_until_stopped(variant: Variant, addr: SocketAddr, users: usize) -> std::process::ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        println!("listening on {}", listener.local_addr()?);
        let router = serve::router(variant, Arc::new(Phones::seeded(users)), Tokens::default());
        serve::serve(listener, router, protogate_bench::stop::stopped()).await
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
