//! The cheap refusal: what an unauthenticated or invalid request costs protogate against the
//! hand-written baseline, side by side in one run. Both servers run at once; h2load drives
//! one at a time, the order alternating per round, and each round's protogate/baseline rate
//! is one ratio. Writes the "Refusals" part of BENCHMARKS.md's Reliability section.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::auth::Tokens;
use crate::client::{grpc_frame, grpc_path, string_field_1, VERIFY};
use crate::load::report::Interval;
use crate::load::servers::{Launch, Server, Subject};
use crate::load::tools;
use crate::logic::{seed_user, SEED_CODE, SEED_ORG};
use crate::store::StoreKind;

/// One kind of request the servers refuse.
#[derive(Clone, Copy, Debug)]
struct Refusal {
    label: &'static str,
    grpc: bool,
    token: bool,
    /// The code sent: empty fails validation (`min_len: 1`).
    code: &'static str,
    /// What both servers must answer: an HTTP status for REST, a `grpc-status` for gRPC.
    expect: &'static str,
}

const REFUSALS: [Refusal; 4] = [
    Refusal {
        label: "REST h2c, no token (401)",
        grpc: false,
        token: false,
        code: SEED_CODE,
        expect: "401",
    },
    Refusal {
        label: "REST h2c, empty code (400)",
        grpc: false,
        token: true,
        code: "",
        expect: "400",
    },
    Refusal {
        label: "gRPC, no token (16)",
        grpc: true,
        token: false,
        code: SEED_CODE,
        expect: "200",
    },
    Refusal {
        label: "gRPC, empty code (3)",
        grpc: true,
        token: true,
        code: "",
        expect: "200",
    },
];

/// The measured figures of one refusal: each round's rates, both servers, and the
/// instructions per refusal under callgrind (baseline, protogate) when measured.
struct Measured {
    refusal: Refusal,
    baseline: Vec<f64>,
    protogate: Vec<f64>,
    instructions: Option<(f64, f64)>,
}

/// Requests per callgrind count, after as many again to warm up.
const COUNTED: u64 = 1000;

/// Runs `rounds` rounds of `secs` seconds per server and refusal at `conns` connections,
/// and writes the table into `out` (BENCHMARKS.md) unless `print_only`.
pub fn run(
    rounds: usize,
    secs: u64,
    conns: usize,
    out: &Path,
    print_only: bool,
) -> Result<(), String> {
    tools::ensure_installed()?;
    let dir = out
        .parent()
        .unwrap_or(Path::new("."))
        .join("target/protogate-bench/refusal");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let token = Tokens::default().mint(&seed_user(0), SEED_ORG, Duration::from_secs(86_400));
    let baseline = Server::start(
        Subject::Baseline,
        &Launch::own(crate::serve::Variant::Baseline, StoreKind::Memory)?,
    )?;
    let protogate = Server::start(
        Subject::Protogate,
        &Launch::own(crate::serve::Variant::Protogate, StoreKind::Memory)?,
    )?;
    let mut measured = Vec::new();
    for refusal in REFUSALS {
        let body = write_body(&dir, refusal)?;
        let mut m = Measured {
            refusal,
            baseline: Vec::new(),
            protogate: Vec::new(),
            instructions: None,
        };
        for round in 0..rounds {
            let order = if round % 2 == 0 {
                [&baseline, &protogate]
            } else {
                [&protogate, &baseline]
            };
            for server in order {
                let rate = h2load(server, refusal, &body, &token, secs, conns, &dir)?;
                match server.variant {
                    Subject::Baseline => m.baseline.push(rate),
                    _ => m.protogate.push(rate),
                }
            }
        }
        measured.push(m);
    }
    baseline.stop();
    protogate.stop();
    if crate::load::profile::available() {
        let b = instructions(Subject::Baseline, &dir, &token)?;
        let p = instructions(Subject::Protogate, &dir, &token)?;
        for (m, (b, p)) in measured.iter_mut().zip(b.into_iter().zip(p)) {
            m.instructions = Some((b, p));
        }
    }
    let section = render(&measured, rounds, secs, conns);
    println!("{section}");
    if !print_only {
        write(out, &section).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    Ok(())
}

/// Instructions per refusal of each kind under callgrind: `COUNTED` requests on one
/// connection, one after another, after as many to warm up.
fn instructions(variant: Subject, dir: &Path, token: &str) -> Result<Vec<f64>, String> {
    use crate::load::profile;
    let launch = Launch::own(
        variant.variant().ok_or("not a variant of ours")?,
        StoreKind::Memory,
    )?;
    let dumps = dir.join("callgrind");
    std::fs::create_dir_all(&dumps).map_err(|e| format!("{}: {e}", dumps.display()))?;
    let (mut child, addr) = profile::start(variant, &launch, &dumps)?;
    let pid = child.id().to_string();
    let server = Counted { variant, addr };
    let result = REFUSALS
        .iter()
        .map(|&refusal| {
            let body = write_body(dir, refusal)?;
            count(&server, refusal, &body, token, dir, COUNTED)?;
            let before = profile::dumps(&dumps);
            profile::control(&["-z", &pid])?;
            count(&server, refusal, &body, token, dir, COUNTED)?;
            profile::control(&["-d", &pid])?;
            let dump = profile::dumps(&dumps)
                .into_iter()
                .find(|d| !before.contains(d))
                .ok_or("callgrind wrote no dump")?;
            Ok(profile::total_instructions(&dump)? as f64 / COUNTED as f64)
        })
        .collect();
    let _ = Command::new("kill").arg(&pid).status();
    let _ = child.wait();
    result
}

/// A server h2load can reach.
struct Counted {
    variant: Subject,
    addr: std::net::SocketAddr,
}

/// `n` requests on one connection, one after another.
fn count(
    server: &Counted,
    refusal: Refusal,
    body: &Path,
    token: &str,
    dir: &Path,
    n: u64,
) -> Result<(), String> {
    h2load_with(
        server.variant,
        server.addr,
        refusal,
        body,
        token,
        dir,
        &["-n", &n.to_string(), "-c", "1"],
    )
    .map(|_| ())
}

fn write_body(dir: &Path, refusal: Refusal) -> Result<std::path::PathBuf, String> {
    let path = dir.join(format!(
        "{}-{}.body",
        if refusal.grpc { "grpc" } else { "rest" },
        if refusal.code.is_empty() {
            "empty"
        } else {
            "code"
        }
    ));
    let body = if refusal.grpc {
        grpc_frame(&string_field_1(refusal.code))
    } else {
        format!("{{\"code\":\"{}\"}}", refusal.code).into_bytes()
    };
    std::fs::write(&path, body).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// One h2load run; fails unless every answer had the expected HTTP status (gRPC refusals
/// are HTTP 200 with a `grpc-status`, which h2load does not read: their status is checked by
/// the serving benchmark's answer checks and the e2e tests).
fn h2load(
    server: &Server,
    refusal: Refusal,
    body: &Path,
    token: &str,
    secs: u64,
    conns: usize,
    dir: &Path,
) -> Result<f64, String> {
    let conns = conns.to_string();
    let secs = secs.to_string();
    let load = [
        "-c",
        &conns,
        "-m",
        "1",
        "-t",
        "1",
        "-D",
        &secs,
        "--warm-up-time",
        "1",
    ];
    h2load_with(
        server.variant,
        server.addr,
        refusal,
        body,
        token,
        dir,
        &load,
    )
}

/// h2load with `load` (its connection and duration or count arguments); the rate.
fn h2load_with(
    variant: Subject,
    addr: std::net::SocketAddr,
    refusal: Refusal,
    body: &Path,
    token: &str,
    dir: &Path,
    load: &[&str],
) -> Result<f64, String> {
    let (path, content_type) = if refusal.grpc {
        (grpc_path(VERIFY), "application/grpc")
    } else {
        (VERIFY.path.to_string(), "application/json")
    };
    let mut headers = vec![format!("content-type: {content_type}")];
    if refusal.grpc {
        headers.push("te: trailers".into());
    }
    if refusal.token {
        headers.push(format!("authorization: Bearer {token}"));
    }
    let load: Vec<String> = load.iter().map(|a| a.to_string()).collect();
    let (text, log) = tools::run_h2load(&tools::H2loadCall {
        url: format!("http://{addr}{path}"),
        headers: &headers,
        body,
        load: &load,
        log: &dir.join("h2load.log"),
        core: None,
    })?;
    // The log has one line per request: time, HTTP status, latency.
    let wrong = log
        .lines()
        .filter(|l| l.split('\t').nth(1) != Some(refusal.expect))
        .count();
    if wrong > 0 || log.is_empty() {
        return Err(format!(
            "{} answered {wrong} of {} requests with another status than {}",
            variant.label(),
            log.lines().count(),
            refusal.expect
        ));
    }
    Ok(tools::parse_h2load(&text)?.rps)
}

fn render(measured: &[Measured], rounds: usize, secs: u64, conns: usize) -> String {
    let mut out = String::new();
    out.push_str("### Refusals: what an unauthenticated or invalid request costs\n\n");
    out.push_str(&format!(
        "Command: `cargo run --release -p protogate-bench -- refusals --rounds {rounds} --secs {secs} --conns {conns}`. \
         Both servers run at once (`serve --variant baseline|protogate`, in memory); h2load \
         (`-c {conns} -m 1 -t 1`, 1 s warm-up, {secs} s measured) drives one at a time, the \
         order alternating per round; every answer's HTTP status is checked. Ratio: \
         protogate's rate over the baseline's in the same round; the interval is the \
         median's ≥ 95 % order-statistics interval over the rounds. Goal: ≥ 1.0× (a \
         refusal costs protogate no more than the hand-written server). Instructions: \
         each server under callgrind, {COUNTED} refusals on one connection after as many \
         to warm up, the server process's instructions divided by {COUNTED} (a count that \
         does not move with the machine's load).\n\n"
    ));
    out.push_str(&format!(
        "Machine: {} CPUs; {}.\n\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        chrono_free_date()
    ));
    out.push_str(
        "| request | baseline req/s | protogate req/s | ratio (interval) | goal ≥ 1.0× | instructions per refusal: baseline / protogate |\n",
    );
    out.push_str("|---|---|---|---|---|---|\n");
    for m in measured {
        let ratios: Vec<f64> = m
            .protogate
            .iter()
            .zip(&m.baseline)
            .map(|(p, b)| p / b)
            .collect();
        let median = |v: &[f64]| Interval::of(v).map_or(f64::NAN, |i| i.median);
        let (verdict, interval) = match Interval::of(&ratios) {
            Some(i) => (
                if i.median >= 1.0 {
                    "met"
                } else if i.high >= 1.0 {
                    "met within the noise"
                } else {
                    "not met"
                },
                format!("{:.2}× ({:.2}–{:.2})", i.median, i.low, i.high),
            ),
            None => ("no data", "–".to_string()),
        };
        let instructions = m.instructions.map_or("not measured".to_string(), |(b, p)| {
            format!("{b:.0} / {p:.0} ({:.3}×)", p / b)
        });
        out.push_str(&format!(
            "| {} | {:.0} | {:.0} | {interval} | {verdict} | {instructions} |\n",
            m.refusal.label,
            median(&m.baseline),
            median(&m.protogate)
        ));
    }
    out
}

/// Today's date (UTC) from `date`, the one clock both servers and the report share.
fn chrono_free_date() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

const BEGIN: &str = "<!-- refusals:begin (written by `protogate-bench refusals`) -->";
const END: &str = "<!-- refusals:end -->";

/// Writes the section between its markers; the first time, after the Reliability section.
fn write(path: &Path, section: &str) -> std::io::Result<()> {
    protogate_bench_sections::write(
        path,
        protogate_bench_sections::Markers {
            begin: "<!-- refusals:begin",
            end: END,
            after: Some("<!-- reliability:end -->"),
        },
        &format!("{BEGIN}\n{section}{END}\n"),
    )
}
