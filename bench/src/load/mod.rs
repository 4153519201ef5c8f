//! The load driver: builds the peers, starts every server, checks their answers, runs h2load
//! and wrk against them interleaved, soaks them with mixed traffic, and reports.

pub mod check;
pub mod floor;
pub mod peers;
pub mod profile;
pub mod report;
pub mod sampling;
pub mod servers;
pub mod soak;
pub mod tools;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::auth::Tokens;
use crate::client::Protocol;
use crate::logic::{seed_user, SEED_ORG};
use crate::store::StoreKind;
use servers::{Launch, Server, Subject};

/// `protogate-bench load` options.
#[derive(Clone, Debug, clap::Args)]
pub struct Options {
    /// Short runs (the default): 3 rounds of 2 s per cell, a 10 s soak.
    #[arg(long, conflicts_with = "full")]
    pub quick: bool,
    /// Long runs: 12 rounds of 3 s per cell, a 60 s soak.
    #[arg(long)]
    pub full: bool,
    /// Overrides the soak's length, in seconds.
    #[arg(long)]
    pub soak_secs: Option<u64>,
    /// Overrides the rounds per cell.
    #[arg(long)]
    pub rounds: Option<usize>,
    /// Overrides the measured seconds per run.
    #[arg(long)]
    pub secs: Option<u64>,
    /// Where to write the Serving section (default: the repository's BENCHMARKS.md).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the report only; leave BENCHMARKS.md alone.
    #[arg(long)]
    pub no_write: bool,
    /// Skip the instruction counts under callgrind and the CPU sampling with perf.
    #[arg(long)]
    pub no_profile: bool,
    /// Only the instruction counts under callgrind: no load, no soak; print them and leave
    /// BENCHMARKS.md alone.
    #[arg(long, conflicts_with = "no_profile")]
    pub profile_only: bool,
    /// Measure the baseline and protogate only: neither build nor start the peers
    /// (connectrpc, connect-node).
    #[arg(long)]
    pub no_peers: bool,
    /// Where the servers keep their users. `sqlite` measures the baseline and protogate only
    /// (the peers keep theirs in memory), each on a SQLite file of its own, skips the
    /// instruction counts, and writes the SQLite section of BENCHMARKS.md instead.
    #[arg(long, value_enum, default_value_t = StoreKind::Memory)]
    pub store: StoreKind,
}

/// The sizes of one run.
#[derive(Clone, Copy, Debug)]
pub struct Mode {
    /// `quick` or `full`.
    pub name: &'static str,
    /// Rounds per cell (each runs every server that serves the protocol, order rotating).
    pub rounds: usize,
    /// Measured time per run.
    pub duration: Duration,
    /// h2load's warm-up before it measures.
    pub warm_up: Duration,
    /// The soak's length per server.
    pub soak: Duration,
}

impl Mode {
    fn from(options: &Options) -> Mode {
        let mut mode = if options.full {
            Mode {
                name: "full",
                // Many short rounds rather than a few long ones: the machine's noise drifts
                // over seconds, so short back-to-back runs pair better, and twelve rounds give
                // the median a 96 % interval between the 3rd and 10th ratios (a multiple of
                // 3 and 4, so each server takes every place in the order equally often).
                rounds: 12,
                duration: Duration::from_secs(3),
                warm_up: Duration::from_secs(1),
                soak: Duration::from_secs(60),
            }
        } else {
            Mode {
                name: "quick",
                rounds: 3,
                duration: Duration::from_secs(2),
                warm_up: Duration::from_secs(1),
                soak: Duration::from_secs(10),
            }
        };
        if let Some(secs) = options.soak_secs {
            mode.soak = Duration::from_secs(secs);
        }
        if let Some(rounds) = options.rounds {
            mode.rounds = rounds.max(1);
        }
        if let Some(secs) = options.secs {
            mode.duration = Duration::from_secs(secs.max(1));
        }
        mode
    }
}

/// The connection counts of the matrix.
pub const CONNECTIONS: [usize; 3] = [1, 16, 64];

/// The protocols of the matrix; each runs against every server that serves it.
pub const PROTOCOLS: [Protocol; 5] = [
    Protocol::Grpc,
    Protocol::GrpcWeb,
    Protocol::RestH2,
    Protocol::RestH1,
    Protocol::Connect,
];

/// The protocols measured a second time at one connection with the server and the load tool
/// on one core: those with a goal against connect-node.
pub const SHARED_CORE_PROTOCOLS: [Protocol; 3] =
    [Protocol::Grpc, Protocol::GrpcWeb, Protocol::Connect];

/// The protocols sampled with perf: one of each kind of body (protobuf, Connect's JSON,
/// transcoded REST JSON).
pub const SAMPLED_PROTOCOLS: [Protocol; 3] = [Protocol::Grpc, Protocol::Connect, Protocol::RestH2];

/// Where the server and the load tool run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Wherever the scheduler puts them: the matrix.
    Free,
    /// Both on one core (`taskset`), one connection. With one connection each request waits
    /// for the last answer, so on separate cores every request pays two cross-core wake-ups,
    /// and on a virtual machine those cost more than the server's work; on one core the run
    /// measures what the server and the load tool do per request instead.
    SharedCore,
}

/// The core of [`Placement::SharedCore`].
pub const SHARED_CORE: usize = 0;

/// One measured run.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The server.
    pub variant: Subject,
    /// The protocol.
    pub protocol: Protocol,
    /// Connections.
    pub conns: usize,
    /// The round.
    pub round: usize,
    /// Where the server and the load tool ran.
    pub placement: Placement,
    /// The tool's figures.
    pub run: tools::Run,
    /// Server CPU time per request, µs (user + system, from /proc).
    pub cpu_us: f64,
    /// The 1-minute load average when the run started.
    pub load: f64,
}

/// Memory of one server at the points the report names.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    /// KiB after start, before any request.
    pub idle_start: Option<u64>,
    /// KiB two seconds after the load matrix.
    pub idle_after_load: Option<u64>,
    /// KiB two seconds after the soak.
    pub idle_after_soak: Option<u64>,
}

/// Everything the report needs.
pub struct Results {
    /// The mode.
    pub mode: Mode,
    /// The servers' store.
    pub store: StoreKind,
    /// The command line.
    pub command: String,
    /// The measured runs.
    pub samples: Vec<Sample>,
    /// Answer checks before and after the matrix.
    pub checks: Vec<check::Checked>,
    /// Memory per server.
    pub memory: Vec<(Subject, Memory)>,
    /// Soak per server.
    pub soaks: Vec<(Subject, soak::Soak)>,
    /// The servers measured.
    pub measured: Vec<Subject>,
    /// Servers not measured, and why.
    pub missing: Vec<(Subject, String)>,
    /// (server, protocol) cells left out because the measured request was answered wrongly.
    pub skipped: BTreeSet<(Subject, Protocol)>,
    /// The peers' versions, for the report.
    pub peer_versions: Vec<(Subject, String)>,
    /// Load average before and after.
    pub load: (f64, f64),
    /// h2load and wrk versions.
    pub tools: String,
    /// Instructions per request under callgrind, when valgrind is here.
    pub profile: Result<Vec<profile::Count>, String>,
    /// CPU time per request by part, sampled with perf, when perf works here.
    pub cpu: Result<Vec<sampling::Breakdown>, String>,
    /// The loopback floor, one per round of the one-connection runs of the protocols with a
    /// connect-node goal, in the matrix and on one core.
    pub floors: Result<Vec<floor::Floor>, String>,
}

/// The repository root (the bench crate's parent).
pub fn repository() -> PathBuf {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    path.canonicalize().unwrap_or(path)
}

/// Runs the benchmark.
pub fn run(options: Options) -> ExitCode {
    match run_inner(&options) {
        Ok(ok) => {
            if ok {
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

fn run_inner(options: &Options) -> Result<bool, String> {
    let mode = Mode::from(options);
    tools::ensure_installed()?;
    let dir = repository().join("target/protogate-bench");
    let token = Tokens::default().mint(&seed_user(0), SEED_ORG, Duration::from_secs(86_400));
    let files = tools::Files::write(&dir, &token).map_err(|e| format!("{}: {e}", dir.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let sqlite = options.store == StoreKind::Sqlite;
    let mut command = format!(
        "cargo run -p protogate-bench --release -- load --{}{}",
        mode.name,
        if sqlite { " --store sqlite" } else { "" }
    );
    for (flag, value) in [
        ("--rounds", options.rounds.map(|r| r as u64)),
        ("--secs", options.secs),
        ("--soak-secs", options.soak_secs),
    ] {
        if let Some(value) = value {
            command.push_str(&format!(" {flag} {value}"));
        }
    }

    let mut missing = Vec::new();
    let mut launches: Vec<(Subject, Launch)> = Vec::new();
    for subject in Subject::ALL {
        let launch = match subject.variant() {
            Some(variant) => Launch::own(variant, options.store)?,
            None if options.no_peers || sqlite => {
                let why = if sqlite {
                    "not run with the SQLite store (the peers keep their users in memory)"
                } else {
                    "skipped (--no-peers)"
                };
                missing.push((subject, why.to_string()));
                continue;
            }
            None => match peers::prepare(subject, &repository(), &dir) {
                Ok(launch) => launch,
                Err(e) => {
                    eprintln!("{}: not measured: {e}", subject.label());
                    missing.push((subject, e));
                    continue;
                }
            },
        };
        launches.push((subject, launch));
    }
    if options.profile_only {
        if !profile::available() {
            return Err("valgrind is not installed".into());
        }
        let counts = profile::run(&dir.join("callgrind"), &runtime, &launches)?;
        println!("{}", report::render_profile(&counts));
        return Ok(true);
    }
    let load_before = servers::load_average();
    eprintln!("{command}: load average {load_before:.2}");
    let mut running = Vec::new();
    for (subject, launch) in &launches {
        match Server::start(*subject, launch) {
            Ok(server) => running.push(server),
            Err(e) if subject.variant().is_some() => return Err(e),
            Err(e) => {
                eprintln!("{}: not measured: {e}", subject.label());
                missing.push((*subject, e));
            }
        }
    }
    let servers: Vec<&Server> = running.iter().collect();
    std::thread::sleep(Duration::from_secs(1));
    let mut memory: Vec<(Subject, Memory)> = servers
        .iter()
        .map(|s| {
            let m = Memory {
                idle_start: s.rss_kib(),
                ..Memory::default()
            };
            (s.variant, m)
        })
        .collect();

    let mut checks = Vec::new();
    for server in &servers {
        checks.extend(runtime.block_on(check::check(server.variant, server.addr)));
    }
    let broken: Vec<_> = checks.iter().filter(|c| c.problem.is_some()).collect();
    for c in &broken {
        eprintln!(
            "check failed: {} {} {}: {}",
            c.variant.label(),
            c.protocol.label(),
            c.case,
            c.problem.as_deref().unwrap_or("")
        );
    }
    // A cell whose measured request is answered wrongly would measure errors: a peer's is
    // left out (and reported), one of the two servers of this crate stops the run.
    let skipped: BTreeSet<(Subject, Protocol)> = broken
        .iter()
        .filter(|c| c.expect == 0)
        .map(|c| (c.variant, c.protocol))
        .collect();
    if skipped.iter().any(|(s, _)| s.variant().is_some()) {
        return Err(
            "a server does not answer the measured request correctly; not measuring".into(),
        );
    }

    let mut samples = Vec::new();
    // The echo with no server runs inside the rounds it bounds: the one-connection rounds of
    // the protocols with a connect-node goal, so each ratio against it pairs runs seconds
    // apart. The SQLite store has no connect-node to compare with.
    let mut floors: Result<Vec<floor::Floor>, String> = if sqlite {
        Err("not run with the SQLite store".to_string())
    } else {
        Ok(Vec::new())
    };
    let shared_core: &[Protocol] = if sqlite { &[] } else { &SHARED_CORE_PROTOCOLS };
    for conns in CONNECTIONS {
        for protocol in PROTOCOLS {
            let serving: Vec<&Server> = servers
                .iter()
                .copied()
                .filter(|s| s.variant.serves(protocol) && !skipped.contains(&(s.variant, protocol)))
                .collect();
            for round in 0..mode.rounds {
                let mut order = serving.clone();
                if !order.is_empty() {
                    // Each server takes every place in the order over the rounds.
                    let len = order.len();
                    order.rotate_left(round % len);
                }
                if conns == 1 && shared_core.contains(&protocol) {
                    floor::record(&mut floors, protocol, round, Placement::Free);
                }
                for server in order {
                    let sample = measure(
                        server,
                        protocol,
                        conns,
                        round,
                        Placement::Free,
                        &mode,
                        &token,
                        &files,
                    )?;
                    samples.push(sample);
                }
            }
        }
    }
    for &protocol in shared_core {
        let serving: Vec<&Server> = servers
            .iter()
            .copied()
            .filter(|s| s.variant.serves(protocol) && !skipped.contains(&(s.variant, protocol)))
            .collect();
        for round in 0..mode.rounds {
            let mut order = serving.clone();
            if !order.is_empty() {
                let len = order.len();
                order.rotate_left(round % len);
            }
            floor::record(&mut floors, protocol, round, Placement::SharedCore);
            for server in order {
                server.pin(Some(SHARED_CORE))?;
                let sample = measure(
                    server,
                    protocol,
                    1,
                    round,
                    Placement::SharedCore,
                    &mode,
                    &token,
                    &files,
                );
                server.pin(None)?;
                samples.push(sample?);
            }
        }
    }

    for server in &servers {
        checks.extend(runtime.block_on(check::check(server.variant, server.addr)));
    }
    std::thread::sleep(Duration::from_secs(2));
    for (server, (_, m)) in servers.iter().zip(memory.iter_mut()) {
        m.idle_after_load = server.rss_kib();
    }

    let mut soaks = Vec::new();
    for server in &servers {
        eprintln!(
            "soak: {} for {} s",
            server.variant.label(),
            mode.soak.as_secs()
        );
        let result = runtime.block_on(soak::soak(
            server.variant,
            server.addr,
            server.pid(),
            mode.soak,
            8,
        ));
        eprintln!(
            "soak: {} requests, {} server errors, {} unexpected kinds, {} lost writes",
            result.requests,
            result.server_errors,
            result.kinds.values().filter(|k| k.1 > 0).count(),
            result.lost_writes
        );
        soaks.push((server.variant, result));
    }
    std::thread::sleep(Duration::from_secs(2));
    for (server, (_, m)) in servers.iter().zip(memory.iter_mut()) {
        m.idle_after_soak = server.rss_kib();
    }
    let cpu = if sqlite {
        Err("not run with the SQLite store".to_string())
    } else if options.no_profile {
        Err("skipped (--no-profile)".to_string())
    } else if !sampling::available() {
        Err("`perf record -e cpu-clock` does not work here".to_string())
    } else {
        eprintln!("perf: CPU time per request by part");
        // Longer runs than the matrix's: each part needs samples enough to be read.
        let sampled = Mode {
            duration: mode.duration.max(Duration::from_secs(5)),
            ..mode
        };
        let rounds = mode.rounds.min(2);
        sampling::run(
            &dir.join("perf"),
            &servers,
            &SAMPLED_PROTOCOLS,
            rounds,
            &sampled,
            &token,
            &files,
        )
    };
    let measured: Vec<Subject> = servers.iter().map(|s| s.variant).collect();
    drop(servers);
    for server in running {
        server.stop();
    }

    let profile = if sqlite {
        Err("not run with the SQLite store (the count would be mostly SQLite's)".to_string())
    } else if options.no_profile {
        Err("skipped (--no-profile)".to_string())
    } else if !profile::available() {
        Err("valgrind is not installed".to_string())
    } else {
        eprintln!("callgrind: instructions per request");
        profile::run(&dir.join("callgrind"), &runtime, &launches)
    };

    let results = Results {
        mode,
        store: options.store,
        command,
        samples,
        checks,
        memory,
        soaks,
        measured,
        missing,
        skipped,
        peer_versions: peers::versions(&repository()),
        load: (load_before, servers::load_average()),
        tools: tools::versions(),
        profile,
        cpu,
        floors,
    };
    let section = report::render(&results);
    println!("{section}");
    if !options.no_write {
        let path = options
            .out
            .clone()
            .unwrap_or_else(|| repository().join("BENCHMARKS.md"));
        report::write_section(&path, &section, options.store)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!(
            "wrote the {} section of {}",
            report::heading(options.store),
            path.display()
        );
    }
    Ok(results.checks.iter().all(|c| c.problem.is_none()))
}

#[allow(clippy::too_many_arguments)]
fn measure(
    server: &Server,
    protocol: Protocol,
    conns: usize,
    round: usize,
    placement: Placement,
    mode: &Mode,
    token: &str,
    files: &tools::Files,
) -> Result<Sample, String> {
    let load = servers::load_average();
    let cpu_before = server.cpu();
    let core = (placement == Placement::SharedCore).then_some(SHARED_CORE);
    let run = match protocol {
        Protocol::RestH1 => tools::wrk(server.addr, files, conns, mode.duration, core)?,
        _ => tools::h2load(protocol, server.addr, token, files, conns, mode, core)?,
    };
    let cpu = match (cpu_before, server.cpu()) {
        (Some(a), Some(b)) => b.saturating_sub(a).as_secs_f64() * 1e6,
        _ => f64::NAN,
    };
    let cpu_us = cpu / run.total_requests.max(1) as f64;
    eprintln!(
        "{:>12} {:<20} c={:<3}{} round {}: {:>9.0} req/s p50 {:>7.0} µs p99 {:>7.0} µs cpu {:>5.1} µs/req failed {} (load {:.2})",
        server.variant.label(),
        protocol.label(),
        conns,
        if core.is_some() { " one core" } else { "" },
        round,
        run.rps,
        run.p50_us,
        run.p99_us,
        cpu_us,
        run.failed,
        load
    );
    Ok(Sample {
        variant: server.variant,
        protocol,
        conns,
        round,
        placement,
        run,
        cpu_us,
        load,
    })
}
