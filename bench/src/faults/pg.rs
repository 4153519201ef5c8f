//! `protogate-bench pg-restarts`: PostgreSQL stopped and started N times under the flow.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::cluster::{PgCluster, StopMode};
use super::flow::{self, Acked, Journal};
use super::{by_label, millis, stop_server, Error, Load, Outcome, ServerUnderTest};

/// `pg-restarts`.
#[derive(Clone, Debug, clap::Args)]
pub struct Options {
    /// How many times PostgreSQL is stopped and started (alternately `fast` and `immediate`).
    #[arg(long, default_value_t = 10)]
    pub restarts: usize,
    /// Concurrent clients, half over REST (HTTP/1.1), half over gRPC.
    #[arg(long, default_value_t = 8)]
    pub clients: usize,
    /// How long PostgreSQL stays down each time, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub down_ms: u64,
    /// How long it stays up between restarts, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    pub up_ms: u64,
    /// The server's `--database-timeout`.
    #[arg(long, default_value = "2s")]
    pub database_timeout: String,
    /// The `verify-phone` binary (default: next to this one).
    #[arg(long)]
    pub server: Option<PathBuf>,
}

/// One restart as measured.
struct Restart {
    mode: StopMode,
    /// When `pg_ctl stop` was called.
    stopping: Instant,
    /// When `pg_ctl start -w` returned: the database accepts connections.
    up: Instant,
}

/// Runs the restarts and reports.
pub async fn run(options: Options) -> Result<Outcome, Error> {
    let bin = PgCluster::binaries().ok_or("no PostgreSQL binaries (initdb, pg_ctl) found")?;
    let cluster = Arc::new(tokio::task::spawn_blocking(move || PgCluster::start(&bin)).await??);
    let sut = ServerUnderTest::new(
        options.server.as_deref(),
        "pg-restarts",
        Some(cluster.url()),
        &options.database_timeout,
    )?;
    let tokens = sut.tokens(options.clients).await?;
    let (mut server, addr) = sut.serve(&[]).await?;
    let load = Load::start(addr, tokens, &sut.read_url());

    tokio::time::sleep(Duration::from_millis(options.up_ms)).await;
    let mut restarts = Vec::new();
    for i in 0..options.restarts {
        let mode = if i % 2 == 0 {
            StopMode::Fast
        } else {
            StopMode::Immediate
        };
        let stopping = Instant::now();
        let c = cluster.clone();
        tokio::task::spawn_blocking(move || c.stop_server(mode)).await??;
        tokio::time::sleep(Duration::from_millis(options.down_ms)).await;
        let c = cluster.clone();
        tokio::task::spawn_blocking(move || c.start_server()).await??;
        let up = Instant::now();
        tokio::time::sleep(Duration::from_millis(options.up_ms)).await;
        eprintln!("restart {} of {} ({mode:?}) done", i + 1, options.restarts);
        restarts.push(Restart { mode, stopping, up });
    }
    let journal = load.finish().await?;
    let still_running = stop_server(&mut server).await?;
    let lost = flow::lost_writes(&cluster.url(), &journal.acked).await?;
    Ok(report(&options, &restarts, &journal, &lost, still_running))
}

fn report(
    options: &Options,
    restarts: &[Restart],
    journal: &Journal,
    lost: &[Acked],
    still_running: bool,
) -> Outcome {
    // Recovery: from the database accepting connections to the first successful answer
    // completed after that, whichever client it went to.
    let recoveries: Vec<Option<Duration>> = restarts
        .iter()
        .map(|restart| {
            journal
                .answers
                .iter()
                .filter(|a| a.ok() && a.finished >= restart.up)
                .map(|a| a.finished - restart.up)
                .min()
        })
        .collect();
    let survived = if still_running {
        recoveries.iter().filter(|r| r.is_some()).count()
    } else {
        0
    };
    let mut sorted: Vec<Duration> = recoveries.iter().flatten().copied().collect();
    sorted.sort();
    let show = |d: Option<&Duration>| d.map_or("–".to_string(), |d| millis(*d));
    let during_outage = journal.answers.iter().filter(|a| {
        restarts
            .iter()
            .any(|r| a.started >= r.stopping && a.started < r.up)
    });
    let fast = restarts.iter().filter(|r| r.mode == StopMode::Fast).count();
    let mut out = format!(
        "- restarts survived: **{survived} of {}** ({fast} `pg_ctl stop -m fast`, {} \
         `-m immediate`; PostgreSQL down {} ms each, then up {} ms), the server never \
         restarted\n",
        restarts.len(),
        restarts.len() - fast,
        options.down_ms,
        options.up_ms
    );
    out.push_str(&format!(
        "- acknowledged writes lost: **{}** of {} (phone changes and verifications, each read \
         back from the `events` table); {} answers in all, {} clients\n",
        lost.len(),
        journal.acked.len(),
        journal.answers.len(),
        options.clients
    ));
    out.push_str(&format!(
        "- database accepting connections again (`pg_ctl start -w` returned) → first \
         successful answer: median **{}**, max **{}** (goal ≤ 2 s)\n",
        show(sorted.get(sorted.len() / 2)),
        show(sorted.last())
    ));
    out.push_str(
        "- answers to calls sent while PostgreSQL was down (from `pg_ctl stop` until it \
         accepted connections again):\n\n",
    );
    out.push_str(&by_label(during_outage));
    for write in lost {
        out.push_str(&format!("\nlost: {write:?}"));
    }
    Outcome {
        markdown: out,
        passed: lost.is_empty() && survived == restarts.len(),
    }
}
