//! Where the Rust servers' CPU time goes, natively: `perf record -e cpu-clock` samples the
//! running server while h2load loads it, and each sampled function is put in a part (the
//! kernel, HTTP/2, the async runtime, the framework, …) by the crate that defines it.
//!
//! callgrind counts instructions, not time: two servers can run the same instructions at
//! different speeds (cache and TLB misses, scattered statics). `cpu-clock` is a software
//! event, so it works on virtual machines without hardware counters; with no call graph the
//! sampling costs little, and a part's samples divided by the requests answered give its
//! CPU time per request.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::servers::{Server, Subject};
use super::{tools, Mode};
use crate::client::Protocol;

/// Samples per second per CPU.
pub const FREQUENCY: u32 = 1999;

/// The parts of a server's CPU time, in the report's column order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// The kernel: system calls, TCP on loopback, scheduling.
    Kernel,
    /// h2, hyper, hyper-util, http, httparse and what h2 keeps streams in (slab, indexmap).
    Http,
    /// tokio, mio, bytes, futures.
    Runtime,
    /// The server framework: protogate, axum, tower, tonic, tonic-web, connectrpc.
    Framework,
    /// Message and JSON codecs: prost, serde, serde_json, pbjson, connectrpc's buffa.
    Codec,
    /// The bench's handler, store and generated code (the server's own crates).
    Handler,
    /// The HS256 bearer check: jsonwebtoken, sha2, hmac, base64.
    Jwt,
    /// glibc's malloc, free and memcpy.
    Memory,
    /// core, alloc, std, hashbrown, the rest of libc, unresolved.
    Other,
}

impl Part {
    /// Every part, in column order.
    pub const ALL: [Part; 9] = [
        Part::Kernel,
        Part::Http,
        Part::Runtime,
        Part::Framework,
        Part::Codec,
        Part::Handler,
        Part::Jwt,
        Part::Memory,
        Part::Other,
    ];

    /// The column heading.
    pub fn label(self) -> &'static str {
        match self {
            Part::Kernel => "kernel",
            Part::Http => "HTTP/2 (h2, hyper, http)",
            Part::Runtime => "tokio, bytes",
            Part::Framework => "framework",
            Part::Codec => "codecs (prost, serde_json)",
            Part::Handler => "handler, store, generated code",
            Part::Jwt => "JWT check",
            Part::Memory => "malloc, memcpy",
            Part::Other => "other (core, std, libc)",
        }
    }

    fn of_crate(name: &str) -> Part {
        match name {
            "h2" | "hyper" | "hyper_util" | "http" | "http_body" | "http_body_util"
            | "httparse" | "httpdate" | "slab" | "indexmap" => Part::Http,
            "tokio" | "tokio_util" | "mio" | "bytes" | "futures_util" | "futures_core"
            | "futures_channel" | "atomic_waker" | "pin_project_lite" => Part::Runtime,
            "protogate" | "axum" | "axum_core" | "tower" | "tower_http" | "tower_service"
            | "tower_layer" | "tonic" | "tonic_web" | "tonic_prost" | "matchit"
            | "percent_encoding" | "connectrpc" | "tracing" | "tracing_core" => Part::Framework,
            "prost" | "serde" | "serde_core" | "serde_json" | "pbjson" | "pbjson_types"
            | "buffa" | "buffa_types" | "itoa" | "ryu" => Part::Codec,
            "protogate_bench" | "verify_phone" | "peer_connectrpc" => Part::Handler,
            "jsonwebtoken" | "sha2" | "hmac" | "digest" | "base64" | "subtle" | "block_buffer" => {
                Part::Jwt
            }
            _ => Part::Other,
        }
    }
}

/// The part of one sampled function, from `perf report`'s shared object and symbol.
pub fn classify(dso: &str, kernel: bool, symbol: &str) -> Part {
    if kernel {
        return Part::Kernel;
    }
    if dso.starts_with("libc") {
        let memory = [
            "malloc", "free", "memcpy", "memmove", "memset", "_int_", "tcache",
        ];
        return if memory.iter().any(|m| symbol.contains(m)) {
            Part::Memory
        } else {
            Part::Other
        };
    }
    Part::of_crate(crate_of(symbol))
}

/// The crate a demangled Rust symbol belongs to: the first path segment, or for an impl of a
/// generic or primitive type (`<T as hyper::…>`, `<str as core::…>`) the trait's crate.
pub fn crate_of(symbol: &str) -> &str {
    let mut s = symbol.trim_start_matches(['<', '&', ' ']);
    for prefix in ["mut ", "dyn ", "const "] {
        s = s.strip_prefix(prefix).unwrap_or(s);
    }
    let head = s.split("::").next().unwrap_or(s);
    match head.split_once(" as ") {
        Some((_, trait_crate)) => trait_crate.trim_start_matches(['<', '&', ' ']),
        None => head,
    }
}

/// One server and protocol: its samples by part, and the requests answered meanwhile.
#[derive(Clone, Debug)]
pub struct Breakdown {
    /// The server.
    pub variant: Subject,
    /// The protocol.
    pub protocol: Protocol,
    /// Samples per part.
    pub samples: BTreeMap<Part, u64>,
    /// Requests the server answered while sampled.
    pub requests: u64,
}

impl Breakdown {
    /// A part's CPU time per request, µs.
    pub fn us_per_request(&self, part: Part) -> f64 {
        self.samples.get(&part).copied().unwrap_or(0) as f64 * 1e6
            / f64::from(FREQUENCY)
            / self.requests.max(1) as f64
    }

    /// The whole CPU time per request, µs.
    pub fn total_us_per_request(&self) -> f64 {
        Part::ALL.iter().map(|&p| self.us_per_request(p)).sum()
    }
}

/// Whether `perf record -e cpu-clock` works here (installs Debian's linux-perf when `perf`
/// is missing).
pub fn available() -> bool {
    let works = || {
        Command::new("perf")
            .args([
                "record",
                "-q",
                "-e",
                "cpu-clock",
                "-o",
                "/dev/null",
                "--",
                "true",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if works() {
        return true;
    }
    if Command::new("perf").arg("--version").output().is_err() {
        eprintln!("installing perf (linux-perf) with apt-get");
        if let Err(e) = tools::apt_install(&["linux-perf"]) {
            eprintln!("{e}");
        }
    }
    works()
}

/// The connection count sampled: enough to keep the server busy.
pub const CONNECTIONS: usize = 16;

/// Samples each Rust server in `servers` on every protocol of `protocols` it serves, `rounds`
/// times in alternating order, each run `mode.warm_up` + `mode.duration` long; the rounds'
/// samples and requests add up.
pub fn run(
    dir: &Path,
    servers: &[&Server],
    protocols: &[Protocol],
    rounds: usize,
    mode: &Mode,
    token: &str,
    files: &tools::Files,
) -> Result<Vec<Breakdown>, String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut breakdowns = Vec::new();
    for &protocol in protocols {
        let sampled: Vec<&Server> = servers
            .iter()
            .copied()
            .filter(|s| s.variant.serves(protocol))
            .filter(|s| !matches!(s.variant, Subject::ConnectNode | Subject::GrpcGateway))
            .collect();
        let mut sums: Vec<Breakdown> = sampled
            .iter()
            .map(|s| Breakdown {
                variant: s.variant,
                protocol,
                samples: BTreeMap::new(),
                requests: 0,
            })
            .collect();
        for round in 0..rounds {
            for i in 0..sampled.len() {
                let i = (i + round) % sampled.len();
                let server = sampled[i];
                let data = dir.join(format!(
                    "{}-{}-{round}.data",
                    server.variant.label(),
                    protocol.label().replace([' ', '(', ')', '/'], "")
                ));
                let (samples, requests) = sample(server, protocol, mode, token, files, &data)?;
                eprintln!(
                    "perf: {:>12} {:<20} round {round}: {} samples, {requests} requests",
                    server.variant.label(),
                    protocol.label(),
                    samples.values().sum::<u64>()
                );
                for (part, n) in samples {
                    *sums[i].samples.entry(part).or_default() += n;
                }
                sums[i].requests += requests;
            }
        }
        breakdowns.extend(sums);
    }
    Ok(breakdowns)
}

/// One run: perf attached to the server for as long as h2load runs.
fn sample(
    server: &Server,
    protocol: Protocol,
    mode: &Mode,
    token: &str,
    files: &tools::Files,
    data: &Path,
) -> Result<(BTreeMap<Part, u64>, u64), String> {
    let mut perf = Command::new("perf")
        .args(["record", "-q", "-e", "cpu-clock", "-F"])
        .arg(FREQUENCY.to_string())
        .arg("-p")
        .arg(server.pid().to_string())
        .arg("-o")
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("perf record: {e}"))?;
    // perf attaches within milliseconds; the warm-up covers the rest.
    std::thread::sleep(Duration::from_millis(200));
    let run = tools::h2load(protocol, server.addr, token, files, CONNECTIONS, mode, None);
    // SIGINT: perf stops sampling and writes its file.
    let _ = Command::new("kill")
        .args(["-INT", &perf.id().to_string()])
        .status();
    let status = perf.wait().map_err(|e| format!("perf record: {e}"))?;
    let run = run?;
    // perf writes its file, then ends by the signal it was sent.
    use std::os::unix::process::ExitStatusExt as _;
    if !status.success() && status.signal() != Some(2) {
        return Err(format!("perf record failed: {status}"));
    }
    let samples = read(data)?;
    Ok((samples, run.total_requests))
}

/// Samples per part from a `perf record` file.
fn read(data: &Path) -> Result<BTreeMap<Part, u64>, String> {
    let output = Command::new("perf")
        .args([
            "report",
            "--stdio",
            "-q",
            "-n",
            "--no-children",
            "--percent-limit",
            "0",
        ])
        .args(["--sort", "dso,sym", "-i"])
        .arg(data)
        .output()
        .map_err(|e| format!("perf report: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "perf report -i {}: {}",
            data.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let mut parts = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Some((n, part)) = parse_report_line(line) {
            *parts.entry(part).or_default() += n;
        }
    }
    if parts.is_empty() {
        return Err(format!("perf recorded no samples in {}", data.display()));
    }
    Ok(parts)
}

/// One line of `perf report -n --sort dso,sym`: `  12.34%  567  dso  [k] symbol`.
pub fn parse_report_line(line: &str) -> Option<(u64, Part)> {
    let mut fields = line.split_whitespace();
    fields.next()?.strip_suffix('%')?;
    let n: u64 = fields.next()?.parse().ok()?;
    let dso = fields.next()?;
    let kind = fields.next()?;
    let symbol = fields.collect::<Vec<_>>().join(" ");
    let kernel = match kind {
        "[k]" => true,
        "[.]" => false,
        _ => return None,
    };
    Some((n, classify(dso, kernel, &symbol)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_go_to_their_crates_part() {
        let cases = [
            ("h2::hpack::huffman::decode::decode", Part::Http),
            (
                "<protogate::server::Dispatch as tower_service::Service<http::request::Request<axum_core::body::Body>>>::call::{{closure}}",
                Part::Framework,
            ),
            (
                "<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_map",
                Part::Codec,
            ),
            ("<T as hyper::service::http::HttpService<B1>>::call", Part::Http),
            ("<str as core::fmt::Display>::fmt", Part::Other),
            ("connectrpc::service::handle_unary_request::{{closure}}", Part::Framework),
            ("protogate_bench::auth::Tokens::verify", Part::Handler),
            ("sha2::sha256::x86::digest_blocks", Part::Jwt),
            ("tokio::runtime::scheduler::multi_thread::worker::Context::run_task", Part::Runtime),
        ];
        for (symbol, part) in cases {
            assert_eq!(classify("protogate-bench", false, symbol), part, "{symbol}");
        }
        assert_eq!(
            classify("libc.so.6", false, "__memmove_avx_unaligned_erms"),
            Part::Memory
        );
        assert_eq!(classify("libc.so.6", false, "_int_malloc"), Part::Memory);
        assert_eq!(classify("libc.so.6", false, "__libc_recv"), Part::Other);
    }

    #[test]
    fn report_lines_parse() {
        assert_eq!(
            parse_report_line(
                "     6.10%          3243  [kernel.kallsyms]  [k] _raw_spin_unlock_irqrestore"
            ),
            Some((3243, Part::Kernel))
        );
        assert_eq!(
            parse_report_line(
                "     2.75%  1462  protogate-bench  [.] h2::hpack::huffman::decode::decode"
            ),
            Some((1462, Part::Http))
        );
        assert_eq!(
            parse_report_line("# Samples: 53K of event 'cpu-clock'"),
            None
        );
        assert_eq!(parse_report_line(""), None);
    }

    #[test]
    fn per_request_figures_divide_by_frequency_and_requests() {
        let b = Breakdown {
            variant: Subject::Protogate,
            protocol: Protocol::Grpc,
            samples: BTreeMap::from([(Part::Kernel, 1999), (Part::Http, 3998)]),
            requests: 100_000,
        };
        assert!((b.us_per_request(Part::Kernel) - 10.0).abs() < 1e-9);
        assert!((b.total_us_per_request() - 30.0).abs() < 1e-9);
        assert_eq!(b.us_per_request(Part::Jwt), 0.0);
    }
}
