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
    /// Measures what an unauthenticated or invalid request costs protogate against the
    /// baseline, side by side, and writes the Refusals part of BENCHMARKS.md.
    Refusals {
        /// Rounds per refusal (each runs both servers, the order alternating).
        #[arg(long, default_value_t = 9)]
        rounds: usize,
        /// Measured seconds per run.
        #[arg(long, default_value_t = 3)]
        secs: u64,
        /// h2load connections.
        #[arg(long, default_value_t = 16)]
        conns: usize,
        /// Print only; leave BENCHMARKS.md alone.
        #[arg(long)]
        no_write: bool,
    },
    /// Restarts PostgreSQL repeatedly under the example server (`verify-phone`) running the
    /// phone flow, and prints what the clients saw, as Markdown for BENCHMARKS.md.
    PgRestarts(protogate_bench::faults::pg::Options),
    /// Fills the example server's SQLite database to its size limit under the phone flow,
    /// frees space, and prints what the clients saw, as Markdown for BENCHMARKS.md.
    SqliteFull(protogate_bench::faults::sqlite::Options),
    /// Measures the server's limits under abuse (rapid reset, idle connections, slowloris,
    /// overload with shedding) and prints the table of BENCHMARKS.md's "Limits under abuse".
    Abuse(protogate_bench::abuse::Options),
    /// The server `abuse` attacks, in a child process of its own.
    #[command(hide = true)]
    AbuseServer(protogate_bench::abuse::server::ServerOptions),
    /// The rapid reset attacker of `abuse`, in a child process of its own.
    #[command(hide = true)]
    AbuseFlood(protogate_bench::abuse::flood::FloodOptions),
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
        Command::Refusals {
            rounds,
            secs,
            conns,
            no_write,
        } => {
            let out = protogate_bench::load::repository().join("BENCHMARKS.md");
            match protogate_bench::refusal::run(rounds, secs, conns, &out, no_write) {
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("refusals: {e}");
                    std::process::ExitCode::FAILURE
                }
            }
        }
        Command::PgRestarts(options) => {
            protogate_bench::faults::main(protogate_bench::faults::pg::run(options))
        }
        Command::SqliteFull(options) => {
            protogate_bench::faults::main(protogate_bench::faults::sqlite::run(options))
        }
        Command::Abuse(options) => protogate_bench::abuse::run(options),
        Command::AbuseServer(options) => {
            let _ = tracing::subscriber::set_global_default(Silent);
            protogate_bench::abuse::server::serve(options)
        }
        Command::AbuseFlood(options) => protogate_bench::abuse::flood::run(options),
    }
}

fn serve_until_stopped(
    variant: Variant,
    addr: SocketAddr,
    users: usize,
    store: StoreKind,
) -> std::process::ExitCode {
    // Both variants serve without logs, as the peers do, under a subscriber that wants
    // nothing and says so with a level hint, as a server's log filter does. With no
    // subscriber at all, tracing's `log` feature (which sqlx turns on in this binary) sends
    // every span of h2 through the `log` facade (about 10% of a request's instructions). With
    // one that gives no hint, such as `NoSubscriber`, every disabled `trace!` of h2, hyper and
    // tokio still loads its callsite's interest: few instructions but scattered cache lines,
    // about 5% of the CPU time per request natively (perf, cpu-clock), in neither peer.
    let _ = tracing::subscriber::set_global_default(Silent);
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

/// Wants no span and no event, and says so with a level hint of OFF, so that every disabled
/// callsite stops at the cheap level check.
struct Silent;

impl tracing::Subscriber for Silent {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::never()
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::OFF)
    }

    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        false
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        // Never called: every callsite is disabled.
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, _: &tracing::Event<'_>) {}

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}
