//! `protogate-bench abuse`: the server's limits under abuse, measured against a server in a
//! child process (`protogate-bench abuse-server`, see [`server`]) while a well-behaved
//! client measures what it still gets. Prints the "Limits under abuse" table of
//! BENCHMARKS.md, each figure beside its goal:
//!
//! - a rapid reset flood (HTTP/2 streams opened and reset at once) against the client's rate
//!   without it (goal: at least 80 %);
//! - idle connections: the server's resident memory before, with them, and after they close;
//! - slowloris connections (a header byte every few seconds): the client's rate and p99
//!   against without them;
//! - 4× overload with shedding on: admitted calls' p99 against the unloaded p99 (goal: at
//!   most 2×), shed calls' p99 (goal: under 1 ms).

mod clients;
mod cpus;
pub mod flood;
pub mod server;

use std::io::BufRead as _;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clients::Sample;

/// The abuse run's settings.
#[derive(clap::Args, Clone, Debug)]
pub struct Options {
    /// How long each measurement lasts, in seconds.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Connections of the well-behaved client.
    #[arg(long, default_value_t = 4)]
    pub connections: usize,
    /// Idle connections opened.
    #[arg(long, default_value_t = 10_000)]
    pub idle: usize,
    /// Slowloris connections opened.
    #[arg(long, default_value_t = 1_000)]
    pub slowloris: usize,
    /// The service time of the overload run's handler, in milliseconds.
    #[arg(long, default_value_t = 20)]
    pub service_time_ms: u64,
    /// The overload run's concurrency limit.
    #[arg(long, default_value_t = 8)]
    pub concurrency_limit: usize,
    /// Let the rapid reset attacker share the CPUs of the server and the client. By default,
    /// with two CPUs or more, the server and the client run on CPU 0 and the attacker on the
    /// others, as an attacker on another machine would.
    #[arg(long)]
    pub shared_cpus: bool,
}

/// Where the processes of a run may execute (any CPU where `None`).
#[derive(Clone, Debug, Default)]
struct Placement {
    /// The server's and the well-behaved client's CPUs.
    server: Option<String>,
    /// The attacker's CPUs.
    attacker: Option<String>,
}

impl Placement {
    /// Isolates the attacker unless told not to or there is one CPU; pins this process
    /// (the well-behaved client) beside the server.
    fn choose(shared: bool) -> Placement {
        let cpus = cpus::available();
        if shared || cpus < 2 {
            return Placement::default();
        }
        if let Err(e) = cpus::pin(&[0]) {
            eprintln!("the client is not pinned ({e}); the attacker shares its CPUs");
            return Placement::default();
        }
        Placement {
            server: Some("0".into()),
            attacker: Some(if cpus == 2 {
                "1".into()
            } else {
                format!("1-{}", cpus - 1)
            }),
        }
    }

    /// The table's words for it.
    fn describe(&self) -> String {
        match (&self.server, &self.attacker) {
            (Some(server), Some(attacker)) => {
                format!("server and client on CPU {server}, attacker on CPU {attacker}")
            }
            _ => "server, client and attacker sharing every CPU".into(),
        }
    }
}

/// Raises the soft limit on open files to the hard one (idle connections need one each).
pub fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the one struct passed, which lives
    // across both calls.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                eprintln!("the open files limit stays at its soft value");
            }
        }
    }
}

/// A server child process, stopped when dropped.
struct Attacked {
    child: Child,
    addr: SocketAddr,
}

impl Attacked {
    fn start(args: &[String], placement: &Placement) -> std::io::Result<Attacked> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg("abuse-server")
            .args(args)
            .args(placement.server.iter().map(|cpus| format!("--cpus={cpus}")))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| std::io::Error::other("no standard output"))?;
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line)?;
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("unexpected first line {line:?}")))?;
        Ok(Attacked { child, addr })
    }

    /// The server's resident memory, in KiB, from /proc.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Attacked {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs every measurement and prints the report.
pub fn run(options: Options) -> std::process::ExitCode {
    raise_fd_limit();
    // Before the runtime starts: its worker threads inherit this thread's CPUs.
    let placement = Placement::choose(options.shared_cpus);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(measure_all(&options, &placement)) {
        Ok(report) => {
            println!("{report}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn row(sample: &Sample) -> String {
    format!(
        "{:.0}/s, p99 {:.2} ms, {} failed",
        sample.rate,
        sample.latencies.quantile_ms(0.99),
        sample.failures
    )
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**missed**"
    }
}

/// The well-behaved client's rate under a rapid reset flood against its rate `alone`. The
/// client's connections are open before the flood starts; the attacker is a child process
/// (`abuse-flood`) on the placement's attacker CPUs, connecting from 127.0.0.2.
async fn flood_row(
    addr: SocketAddr,
    options: &Options,
    placement: &Placement,
    alone: &Sample,
    server: &str,
) -> std::io::Result<[String; 4]> {
    let length = Duration::from_secs(options.seconds);
    let attacker = Command::new(std::env::current_exe()?)
        .arg("abuse-flood")
        .arg(format!("--addr={addr}"))
        .arg(format!("--seconds={}", options.seconds as f64 + 0.5))
        .args(
            placement
                .attacker
                .iter()
                .map(|cpus| format!("--cpus={cpus}")),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()?;
    // The attacker's start-up, so that the whole measurement runs under the flood.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let flooded = clients::measure(addr, options.connections, length).await;
    let output = tokio::task::spawn_blocking(move || attacker.wait_with_output())
        .await
        .map_err(std::io::Error::other)??;
    let report = String::from_utf8_lossy(&output.stdout);
    let flood = flood::parse_report(report.trim()).ok_or_else(|| {
        std::io::Error::other(format!("the attacker reported {:?}", report.trim()))
    })?;
    let kept = flooded.rate / alone.rate.max(1.0);
    Ok([
        format!(
            "Rapid reset flood, {server}, {} ({} streams opened and reset, counted at the attacker; {} connections closed or refused by the server)",
            placement.describe(),
            flood.resets,
            flood.connections_closed
        ),
        format!("{}; {:.0} % of the rate alone", row(&flooded), kept * 100.0),
        "≥ 80 % of the rate alone".into(),
        verdict(kept >= 0.8).into(),
    ])
}

async fn measure_all(options: &Options, placement: &Placement) -> std::io::Result<String> {
    let length = Duration::from_secs(options.seconds);
    let mut rows: Vec<[String; 4]> = Vec::new();

    // The plain server: rapid reset, idle connections, slowloris.
    let server = Attacked::start(&[], placement)?;
    let addr = server.addr;
    let quiet = clients::measure(addr, options.connections, length).await;
    rows.push([
        "Well-behaved client alone".into(),
        row(&quiet),
        "reference".into(),
        String::new(),
    ]);

    // Each attack is compared with a run alone just before it: the machine's other load
    // drifts over a minute.
    rows.push(flood_row(addr, options, placement, &quiet, "default settings").await?);
    let cooling = Attacked::start(&["--abuse-cooldown-s=10".to_string()], placement)?;
    let cooling_quiet = clients::measure(cooling.addr, options.connections, length).await;
    rows.push([
        "Well-behaved client alone (server with `abuse_cooldown(10 s)`)".into(),
        row(&cooling_quiet),
        "reference".into(),
        String::new(),
    ]);
    rows.push(
        flood_row(
            cooling.addr,
            options,
            placement,
            &cooling_quiet,
            "`abuse_cooldown(10 s)`",
        )
        .await?,
    );
    drop(cooling);

    let before = server.rss_kib();
    let idle = clients::idle_connections(addr, options.idle).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let with_idle = server.rss_kib();
    let opened = idle.len();
    let with_idle_sample = clients::measure(addr, options.connections, length).await;
    drop(idle);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.rss_kib();
    let per_connection = (with_idle.saturating_sub(before) as f64 * 1024.0) / opened.max(1) as f64;
    rows.push([
        format!("{opened} idle HTTP/1.1 connections (one call each, then kept open)"),
        format!(
            "RSS {:.1} MiB before, {:.1} MiB with them ({:.1} KiB each), {:.1} MiB after they close; client {}",
            before as f64 / 1024.0,
            with_idle as f64 / 1024.0,
            per_connection / 1024.0,
            after as f64 / 1024.0,
            row(&with_idle_sample)
        ),
        "bounded (under 64 KiB each)".into(),
        verdict(per_connection < 64.0 * 1024.0).into(),
    ]);

    let quiet = clients::measure(addr, options.connections, length).await;
    rows.push([
        "Well-behaved client alone, again".into(),
        row(&quiet),
        "reference".into(),
        String::new(),
    ]);
    let stop = Arc::new(AtomicBool::new(false));
    let loris = tokio::spawn(clients::slowloris(
        addr,
        options.slowloris,
        Duration::from_secs(3),
        stop.clone(),
    ));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let slowed = clients::measure(addr, options.connections, length).await;
    stop.store(true, Ordering::Relaxed);
    let cut = loris.await.unwrap_or(0);
    let kept = slowed.rate / quiet.rate.max(1.0);
    let p99_ratio =
        slowed.latencies.quantile_ms(0.99) / quiet.latencies.quantile_ms(0.99).max(0.001);
    rows.push([
        format!(
            "{} slowloris connections (a header byte every 3 s; {cut} cut off meanwhile)",
            options.slowloris
        ),
        format!(
            "{}; {:.0} % of the rate alone, p99 {:.1}×",
            row(&slowed),
            kept * 100.0,
            p99_ratio
        ),
        "rate ≥ 80 % and p99 ≤ 2× of the run alone".into(),
        verdict(kept >= 0.8 && p99_ratio <= 2.0).into(),
    ]);
    drop(server);

    // Shedding: a fixed service time, a concurrency limit, 4× the load it admits.
    let server = Attacked::start(
        &[
            format!("--service-time-ms={}", options.service_time_ms),
            format!("--concurrency-limit={}", options.concurrency_limit),
        ],
        placement,
    )?;
    let unloaded = clients::measure(server.addr, 1, length).await;
    let capacity =
        options.concurrency_limit as f64 * 1000.0 / options.service_time_ms.max(1) as f64;
    let overload =
        clients::open_loop(server.addr, 4.0 * capacity, options.connections, length).await;
    let unloaded_p99 = unloaded.latencies.quantile_ms(0.99);
    let admitted_p99 = overload.admitted.quantile_ms(0.99);
    let shed_p99 = overload.shed.quantile_ms(0.99);
    rows.push([
        format!(
            "Unloaded: one client, {} ms service time",
            options.service_time_ms
        ),
        row(&unloaded),
        "reference".into(),
        String::new(),
    ]);
    rows.push([
        format!(
            "4× overload: {:.0} calls/s offered, limit {} ({:.0}/s admissible)",
            overload.offered_rate, options.concurrency_limit, capacity
        ),
        format!(
            "{} admitted ({:.0}/s), p99 {:.2} ms ({:.2}× unloaded); {} shed, p99 {:.3} ms; {} failed",
            overload.admitted.len(),
            overload.admitted.len() as f64 / length.as_secs_f64(),
            admitted_p99,
            admitted_p99 / unloaded_p99.max(0.001),
            overload.shed.len(),
            shed_p99,
            overload.failures
        ),
        "admitted p99 ≤ 2× unloaded; shed p99 < 1 ms".into(),
        verdict(admitted_p99 <= 2.0 * unloaded_p99 && shed_p99 < 1.0).into(),
    ]);
    drop(server);

    let mut report = String::from("| Run | Measured | Goal | |\n|---|---|---|---|\n");
    for [run, measured, goal, met] in rows {
        report.push_str(&format!("| {run} | {measured} | {goal} | {met} |\n"));
    }
    Ok(report)
}
