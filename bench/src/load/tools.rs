//! h2load and wrk: installed from Debian when missing, run, and their output read.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::client::{self, Protocol, VERIFY};
use crate::logic::SEED_CODE;

/// One load run's figures.
#[derive(Clone, Debug)]
pub struct Run {
    /// Requests completed in the measured window.
    pub requests: u64,
    /// Requests per second.
    pub rps: f64,
    /// Median latency, µs.
    pub p50_us: f64,
    /// 99th percentile latency, µs.
    pub p99_us: f64,
    /// Requests that failed or were not answered 2xx.
    pub failed: u64,
    /// Requests the server answered in all, warm-up included (for CPU per request).
    pub total_requests: u64,
}

/// The request files the tools send, written once per run.
pub struct Files {
    /// The gRPC / gRPC-Web frame of `VerifyMyPhoneRequest { code }`.
    pub frame: PathBuf,
    /// `{"code": …}`.
    pub json: PathBuf,
    /// wrk's script: POST, the body and the headers.
    pub lua: PathBuf,
    dir: PathBuf,
}

impl Files {
    /// Writes the files for `token` into `dir`.
    pub fn write(dir: &Path, token: &str) -> std::io::Result<Files> {
        std::fs::create_dir_all(dir)?;
        let frame = dir.join("verify.grpc.bin");
        std::fs::write(
            &frame,
            client::grpc_frame(&client::string_field_1(SEED_CODE)),
        )?;
        let json = dir.join("verify.json");
        std::fs::write(&json, verify_json())?;
        let lua = dir.join("verify.lua");
        std::fs::write(
            &lua,
            format!(
                "wrk.method = \"POST\"\nwrk.body = '{}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer {token}\"\n",
                verify_json()
            ),
        )?;
        Ok(Files {
            frame,
            json,
            lua,
            dir: dir.to_path_buf(),
        })
    }
}

/// The JSON body of the measured request.
pub fn verify_json() -> String {
    format!("{{\"code\":\"{SEED_CODE}\"}}")
}

/// Installs nghttp2-client (h2load) and wrk with apt-get when either is missing.
pub fn ensure_installed() -> Result<(), String> {
    let have = |tool: &str, arg: &str| {
        Command::new(tool)
            .arg(arg)
            .output()
            .is_ok_and(|o| !o.stdout.is_empty() || !o.stderr.is_empty())
    };
    if have("h2load", "--version") && have("wrk", "-v") {
        return Ok(());
    }
    eprintln!("installing h2load (nghttp2-client) and wrk with apt-get");
    apt_install(&["nghttp2-client", "wrk"])?;
    if have("h2load", "--version") && have("wrk", "-v") {
        Ok(())
    } else {
        Err("h2load or wrk is still missing after apt-get install".into())
    }
}

/// `apt-get update` then `apt-get install` of `packages`.
pub fn apt_install(packages: &[&str]) -> Result<(), String> {
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map_err(|e| format!("apt-get: {e}"))
            .and_then(|s| {
                s.success()
                    .then_some(())
                    .ok_or_else(|| format!("apt-get {args:?} failed: {s}"))
            })
    };
    apt(&["update", "-qq"])?;
    apt(&[["install", "-y", "-qq"].as_slice(), packages].concat())
}

/// The tools' versions, for the report.
pub fn versions() -> String {
    let first_line = |tool: &str, arg: &str| {
        Command::new(tool)
            .arg(arg)
            .output()
            .ok()
            .map(|o| {
                let text = if o.stdout.is_empty() {
                    o.stderr
                } else {
                    o.stdout
                };
                String::from_utf8_lossy(&text)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string()
            })
            .unwrap_or_else(|| "missing".into())
    };
    let wrk = first_line("wrk", "-v");
    let wrk = wrk.split(" [").next().unwrap_or(&wrk).to_string();
    format!("{}, {}", first_line("h2load", "--version"), wrk)
}

/// Runs `taskset` with `args` (a core list and a process or thread id): the place of a
/// running server or thread.
pub fn taskset(args: &[&str]) -> Result<(), String> {
    let output = Command::new("taskset")
        .args(args)
        .output()
        .map_err(|e| format!("taskset: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "taskset {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// `program`, run by `taskset` on `core` when one is given.
fn on_core(program: &str, core: Option<usize>) -> Command {
    match core {
        Some(core) => {
            let mut command = Command::new("taskset");
            command.args(["-c", &core.to_string(), program]);
            command
        }
        None => Command::new(program),
    }
}

/// h2load against `addr` over an HTTP/2 `protocol`: `conns` connections, one stream each,
/// the mode's duration measured after its warm-up; on `core` only, when one is given.
pub fn h2load(
    protocol: Protocol,
    addr: std::net::SocketAddr,
    token: &str,
    files: &Files,
    conns: usize,
    mode: &super::Mode,
    core: Option<usize>,
) -> Result<Run, String> {
    let (duration, warm_up) = (mode.duration, mode.warm_up);
    let log = files.dir.join("h2load.log");
    let (path, content_type, body, extra): (String, &str, &Path, &[&str]) = match protocol {
        Protocol::Grpc => (
            client::grpc_path(VERIFY),
            "application/grpc",
            &files.frame,
            &["te: trailers"],
        ),
        Protocol::GrpcWeb => (
            client::grpc_path(VERIFY),
            "application/grpc-web+proto",
            &files.frame,
            &["x-grpc-web: 1"],
        ),
        Protocol::Connect => (
            client::grpc_path(VERIFY),
            "application/json",
            &files.json,
            &["connect-protocol-version: 1"],
        ),
        Protocol::RestH2 => (
            VERIFY.path.to_string(),
            "application/json",
            &files.json,
            &[],
        ),
        Protocol::RestH1 => return Err("h2load speaks HTTP/2 only; use wrk".into()),
    };
    let mut headers = vec![
        format!("content-type: {content_type}"),
        format!("authorization: Bearer {token}"),
    ];
    headers.extend(extra.iter().map(|h| h.to_string()));
    let load = [
        "-c".to_string(),
        conns.to_string(),
        "-m".into(),
        "1".into(),
        "-t".into(),
        "1".into(),
        "-D".into(),
        format!("{}", duration.as_secs_f64()),
        "--warm-up-time".into(),
        format!("{}", warm_up.as_secs_f64()),
    ];
    let (text, log) = run_h2load(&H2loadCall {
        url: format!("http://{addr}{path}"),
        headers: &headers,
        body,
        load: &load,
        log: &log,
        core,
    })?;
    let mut run = parse_h2load(&text)?;
    let (p50, p99) = h2load_percentiles(&log);
    run.p50_us = p50;
    run.p99_us = p99;
    // h2load neither counts nor logs the warm-up's requests, but the server's CPU time covers
    // them: they are taken at the measured rate.
    let measured = duration.as_secs_f64().max(1e-9);
    run.total_requests =
        (run.requests as f64 * (measured + warm_up.as_secs_f64()) / measured).round() as u64;
    Ok(run)
}

/// One h2load invocation: what it sends and how much of it.
pub struct H2loadCall<'a> {
    /// The URL every request goes to.
    pub url: String,
    /// Request headers, `name: value`.
    pub headers: &'a [String],
    /// The file whose bytes are every request's body.
    pub body: &'a Path,
    /// The load arguments: connections, streams, duration or request count.
    pub load: &'a [String],
    /// Where h2load logs one line per request (time, HTTP status, latency).
    pub log: &'a Path,
    /// The CPU core h2load runs on, if pinned.
    pub core: Option<usize>,
}

/// Runs h2load; its summary (stdout) and its per-request log.
pub fn run_h2load(call: &H2loadCall<'_>) -> Result<(String, String), String> {
    let _ = std::fs::remove_file(call.log);
    let mut command = on_core("h2load", call.core);
    command.args(call.load);
    for header in call.headers {
        command.args(["-H", header]);
    }
    command
        .arg("-d")
        .arg(call.body)
        .arg("--log-file")
        .arg(call.log)
        .arg(&call.url);
    let output = command.output().map_err(|e| format!("h2load: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!(
            "h2load failed ({}): {text}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let log = std::fs::read_to_string(call.log).map_err(|e| format!("h2load log: {e}"))?;
    Ok((text, log))
}

/// Reads h2load's summary: `finished in …, N req/s`, the request counts and status codes.
pub fn parse_h2load(text: &str) -> Result<Run, String> {
    let rps = text
        .lines()
        .find_map(|l| l.strip_prefix("finished in "))
        .and_then(|l| l.split(", ").nth(1))
        .and_then(|v| v.trim_end_matches(" req/s").parse().ok())
        .ok_or_else(|| format!("no `finished in` line in h2load's output:\n{text}"))?;
    let numbers = |prefix: &str| -> Vec<u64> {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .map(|l| {
                l.split(',')
                    .filter_map(|part| part.split_whitespace().next()?.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    // requests: total, started, done, succeeded, failed, errored, timeout
    let requests = numbers("requests: ");
    let done = requests.get(2).copied().unwrap_or(0);
    let succeeded = requests.get(3).copied().unwrap_or(0);
    Ok(Run {
        requests: done,
        rps,
        p50_us: f64::NAN,
        p99_us: f64::NAN,
        failed: requests
            .first()
            .copied()
            .unwrap_or(0)
            .saturating_sub(succeeded),
        total_requests: done,
    })
}

/// p50 and p99 from h2load's per-request log (start µs, status, duration µs), which holds the
/// measured requests only (h2load logs none of the warm-up's).
pub fn h2load_percentiles(log: &str) -> (f64, f64) {
    let mut measured: Vec<u64> = log
        .lines()
        .filter_map(|l| l.split('\t').nth(2)?.parse().ok())
        .collect();
    measured.sort_unstable();
    (
        percentile(&measured, 0.50) as f64,
        percentile(&measured, 0.99) as f64,
    )
}

fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let index = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

/// wrk against the REST route over HTTP/1.1: `conns` connections on one thread.
pub fn wrk(
    addr: std::net::SocketAddr,
    files: &Files,
    conns: usize,
    duration: Duration,
    core: Option<usize>,
) -> Result<Run, String> {
    let output = on_core("wrk", core)
        .args(["-t", "1", "-c", &conns.to_string()])
        .args(["-d", &format!("{}s", duration.as_secs().max(1))])
        .arg("--latency")
        .arg("-s")
        .arg(&files.lua)
        .arg(format!("http://{addr}{}", VERIFY.path))
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!("wrk failed ({}): {text}", output.status));
    }
    parse_wrk(&text)
}

/// Reads wrk's `--latency` output.
pub fn parse_wrk(text: &str) -> Result<Run, String> {
    let rps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's output:\n{text}"))?;
    let latency = |label: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .and_then(|v| duration_us(v.trim()))
            .unwrap_or(f64::NAN)
    };
    let requests = text
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let non_2xx: u64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Non-2xx or 3xx responses:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let socket_errors: u64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Socket errors:"))
        .map(|v| {
            v.split(',')
                .filter_map(|p| p.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Ok(Run {
        requests,
        rps,
        p50_us: latency("50%"),
        p99_us: latency("99%"),
        failed: non_2xx + socket_errors,
        total_requests: requests,
    })
}

/// `12.34us`, `1.20ms`, `2.00s` → µs.
fn duration_us(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => value,
        "ms" => value * 1e3,
        "s" => value * 1e6,
        "m" => value * 60e6,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h2load_summary_is_read() {
        let text = "finished in 2.00s, 12345.50 req/s, 1.23MB/s\n\
            requests: 24691 total, 24691 started, 24691 done, 24690 succeeded, 1 failed, 0 errored, 0 timeout\n\
            status codes: 24690 2xx, 0 3xx, 1 4xx, 0 5xx\n";
        let run = parse_h2load(text).unwrap();
        assert_eq!(run.rps, 12345.5);
        assert_eq!((run.requests, run.failed), (24691, 1));
    }

    #[test]
    fn h2load_log_percentiles_cover_every_logged_request() {
        let mut log = String::new();
        for i in 0..100u64 {
            log.push_str(&format!("{}\t200\t{}\n", 1_000_000 + i, i + 1));
        }
        assert_eq!(h2load_percentiles(&log), (50.0, 99.0));
    }

    #[test]
    fn wrk_latency_output_is_read() {
        let text = "Running 2s test @ http://127.0.0.1:1/x\n  1 threads and 16 connections\n  Latency Distribution\n     50%  310.00us\n     75%  400.00us\n     90%  1.20ms\n     99%    2.50ms\n  40000 requests in 2.00s, 9.00MB read\n  Non-2xx or 3xx responses: 3\nRequests/sec:  19990.12\nTransfer/sec:      4.50MB\n";
        let run = parse_wrk(text).unwrap();
        assert_eq!((run.p50_us, run.p99_us), (310.0, 2500.0));
        assert_eq!((run.requests, run.failed), (40000, 3));
        assert_eq!(run.rps, 19990.12);
    }
}
