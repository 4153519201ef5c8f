//! Database faults under load: `protogate-bench pg-restarts` runs the example server
//! (`verify-phone`, the release binary next to this one) on a private PostgreSQL cluster
//! ([`cluster`]), drives the phone flow at it over REST and gRPC ([`flow`]), stops and starts
//! PostgreSQL N times, and reports what the clients saw: restarts survived, acknowledged
//! writes lost, the time from the database accepting connections again to the first
//! successful answer, and the answers while it was down. It prints the report as the
//! Markdown subsection of BENCHMARKS.md's Reliability section.

pub mod cluster;
pub mod flow;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt as _, BufReader};

use crate::client::Protocol;
use cluster::{PgCluster, StopMode};
use flow::{Acked, Answer, Client, Journal};

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

/// Runs `pg-restarts` and prints the report.
pub fn run(options: Options) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(pg_restarts(&options)) {
        Ok(report) => {
            println!("{}", report.markdown(&options));
            if report.lost.is_empty() && report.survived == options.restarts {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type Error = Box<dyn std::error::Error + Send + Sync>;

/// One restart as measured.
struct Restart {
    mode: StopMode,
    /// When `pg_ctl stop` was called.
    stopping: Instant,
    /// When `pg_ctl start -w` returned: the database accepts connections.
    up: Instant,
    /// From `up` to the first successful answer completed after it.
    recovery: Option<Duration>,
}

struct Report {
    restarts: Vec<Restart>,
    survived: usize,
    answers: usize,
    acked: usize,
    lost: Vec<Acked>,
    /// Answers to calls sent while the database was down, by kind: count and max latency.
    during_outage: BTreeMap<String, (usize, Duration)>,
}

async fn pg_restarts(options: &Options) -> Result<Report, Error> {
    let bin = PgCluster::binaries().ok_or("no PostgreSQL binaries (initdb, pg_ctl) found")?;
    let cluster = Arc::new(tokio::task::spawn_blocking(move || PgCluster::start(&bin)).await??);
    let server_bin = match &options.server {
        Some(path) => path.clone(),
        None => std::env::current_exe()?.with_file_name("verify-phone"),
    };
    let work = std::env::temp_dir().join(format!("pg-restarts-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let command = |args: &[&str]| {
        let mut command = tokio::process::Command::new(&server_bin);
        command
            .args(args)
            .current_dir(&work)
            .env("DATABASE_URL", cluster.url())
            .env("VERIFY_PHONE_TOKEN_KEY", "pg-restarts-token-key-0123456789abcdef")
            .env("VERIFY_PHONE_CODE_KEY", "pg-restarts-code-key-0123456789abcdefgh")
            .env("VERIFY_PHONE_SENDS_PER_PHONE", "0")
            .env("VERIFY_PHONE_SENDS_PER_USER", "0")
            .env("VERIFY_PHONE_RESEND_INTERVAL", "0")
            .env("VERIFY_PHONE_DATABASE_TIMEOUT", &options.database_timeout)
            .env("RUST_LOG", "warn")
            .kill_on_drop(true);
        command
    };
    let mut tokens = Vec::new();
    for i in 0..options.clients {
        let out = command(&["token", "--user", &format!("client{i}"), "--org", "o"])
            .output()
            .await?;
        if !out.status.success() {
            return Err(format!("token: {}", String::from_utf8_lossy(&out.stderr)).into());
        }
        tokens.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    let mut server = command(&["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(work.join("server.log"))?)
        .spawn()?;
    let addr = listening(&mut server).await?;

    let stop = Arc::new(AtomicBool::new(false));
    let journal = Arc::new(Mutex::new(Journal::default()));
    let mut clients = Vec::new();
    for (index, token) in tokens.into_iter().enumerate() {
        let client = Client {
            addr,
            user: format!("client{index}"),
            token,
            protocol: if index % 2 == 0 {
                Protocol::RestH1
            } else {
                Protocol::Grpc
            },
            index,
            database_url: cluster.url(),
        };
        clients.push(tokio::spawn(client.run(stop.clone(), journal.clone())));
    }

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
        restarts.push(Restart {
            mode,
            stopping,
            up,
            recovery: None,
        });
    }
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await?;
    }
    let still_running = server.try_wait()?.is_none();
    if let Some(pid) = server.id() {
        let _ = tokio::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(20), server.wait()).await;

    let journal = std::mem::take(&mut *journal.lock().map_err(|_| "journal poisoned")?);
    let lost = flow::lost_writes(&cluster.url(), &journal.acked).await?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(summarise(restarts, journal, lost, still_running))
}

fn summarise(
    mut restarts: Vec<Restart>,
    journal: Journal,
    lost: Vec<Acked>,
    still_running: bool,
) -> Report {
    let mut during_outage: BTreeMap<String, (usize, Duration)> = BTreeMap::new();
    for restart in &mut restarts {
        restart.recovery = journal
            .answers
            .iter()
            .filter(|a| a.ok() && a.finished >= restart.up)
            .map(|a| a.finished - restart.up)
            .min();
        let down = journal
            .answers
            .iter()
            .filter(|a| a.started >= restart.stopping && a.started < restart.up);
        for answer in down {
            let entry = during_outage
                .entry(answer.label())
                .or_insert((0, Duration::ZERO));
            entry.0 += 1;
            entry.1 = entry.1.max(latency(answer));
        }
    }
    let survived = if still_running {
        restarts.iter().filter(|r| r.recovery.is_some()).count()
    } else {
        0
    };
    Report {
        survived,
        answers: journal.answers.len(),
        acked: journal.acked.len(),
        lost,
        during_outage,
        restarts,
    }
}

fn latency(answer: &Answer) -> Duration {
    answer.finished - answer.started
}

impl Report {
    fn markdown(&self, options: &Options) -> String {
        let mut recoveries: Vec<Duration> =
            self.restarts.iter().filter_map(|r| r.recovery).collect();
        recoveries.sort();
        let median = recoveries.get(recoveries.len() / 2).copied();
        let max = recoveries.last().copied();
        let ms = |d: Option<Duration>| d.map_or("–".to_string(), |d| format!("{} ms", d.as_millis()));
        let fast = self
            .restarts
            .iter()
            .filter(|r| r.mode == StopMode::Fast)
            .count();
        let mut out = String::new();
        out.push_str(&format!(
            "- restarts survived: **{} of {}** ({} `pg_ctl stop -m fast`, {} `-m immediate`; \
             PostgreSQL down {} ms each, up {} ms between)\n",
            self.survived,
            self.restarts.len(),
            fast,
            self.restarts.len() - fast,
            options.down_ms,
            options.up_ms
        ));
        out.push_str(&format!(
            "- acknowledged writes lost: **{}** of {} (phone changes and verifications, each \
             read back from the `events` table); {} answers in all, {} clients\n",
            self.lost.len(),
            self.acked,
            self.answers,
            options.clients
        ));
        out.push_str(&format!(
            "- database accepting connections again → first successful answer: median **{}**, \
             max **{}** (goal ≤ 2 s)\n",
            ms(median),
            ms(max)
        ));
        out.push_str("- answers to calls sent while PostgreSQL was down:\n\n");
        out.push_str("| answer | count | max latency |\n|---|---|---|\n");
        for (label, (count, max)) in &self.during_outage {
            out.push_str(&format!(
                "| {label} | {count} | {} ms |\n",
                max.as_millis()
            ));
        }
        for write in &self.lost {
            out.push_str(&format!("\nlost: {write:?}"));
        }
        out
    }
}

/// Reads the server's first line, `verify-phone listening on http://ADDR …`, and keeps
/// draining its standard output.
async fn listening(server: &mut tokio::process::Child) -> Result<SocketAddr, Error> {
    let stdout = server.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await?
        .map_err(Box::new)?
        .ok_or("the server exited before listening")?;
    let addr = first
        .strip_prefix("verify-phone listening on http://")
        .and_then(|rest| rest.split_whitespace().next())
        .ok_or_else(|| format!("unexpected first line: {first}"))?
        .parse()?;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(addr)
}
