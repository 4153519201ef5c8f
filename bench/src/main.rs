//! `protogate-bench`: `serve` one of the two servers, or `load` both and report.

use std::net::SocketAddr;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use protogate_bench::auth::Tokens;
use protogate_bench::serve::{self, Variant};
use protogate_bench::store::{Store, StoreKind};

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
        /// Where the users live: in memory, or in a SQLite file in a fresh temporary
        /// directory (WAL), removed when the server stops.
        #[arg(long, value_enum, default_value_t = StoreKind::Memory)]
        store: StoreKind,
    },
    /// Runs the load benchmark against both variants and the peers (connectrpc,
    /// connect-node) and writes the Serving section of BENCHMARKS.md (with `--store sqlite`:
    /// both variants only, and the SQLite section).
    Load(protogate_bench::load::Options),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            variant,
            addr,
            users,
            store,
        } => serve_until_stopped(variant, addr, users, store),
        Command::Load(options) => protogate_bench::load::run(options),
    }
}

fn serve_until_stopped(
    variant: Variant,
    addr: SocketAddr,
    users: usize,
    store: StoreKind,
) -> std::process::ExitCode {
    // Both variants serve without logs, as the peers do, but under a subscriber that wants
    // nothing, as a server with a log filter would be. With no subscriber at all, tracing's
    // `log` feature (which sqlx turns on in this binary) sends every span of h2 through the
    // `log` facade: about 10% of a request's instructions, spent in the baseline and
    // protogate alike and in neither peer.
    let _ = tracing::subscriber::set_global_default(tracing::subscriber::NoSubscriber::default());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = runtime.block_on(async {
        let phones = Store::seeded(store, users)
            .await
            .map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        println!("listening on {}", listener.local_addr()?);
        serve::run(
            variant,
            Arc::new(phones),
            Tokens::default(),
            listener,
            protogate_bench::stop::stopped(),
        )
        .await
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
