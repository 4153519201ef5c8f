//! The servers as child processes: started on free ports, measured through /proc, stopped.

use std::io::BufRead as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use crate::client::Protocol;
use crate::serve::Variant;
use crate::store::StoreKind;

/// Every server the load measures: the two of this crate, and the peers built from the
/// registries under `bench/peers/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// tonic + tonic-web + axum by hand (`serve --variant baseline`).
    Baseline,
    /// The example's generated code on protogate (`serve --variant protogate`).
    Protogate,
    /// connectrpc (Rust), `bench/peers/connectrpc`.
    Connectrpc,
    /// connect-node, `bench/peers/connect-node`.
    ConnectNode,
    /// grpc-go with a grpc-gateway v1 REST proxy in front, `bench/peers/grpc-gateway`.
    GrpcGateway,
}

impl Subject {
    /// All of them, in the order of the report's columns.
    pub const ALL: [Subject; 5] = [
        Subject::Baseline,
        Subject::Connectrpc,
        Subject::ConnectNode,
        Subject::GrpcGateway,
        Subject::Protogate,
    ];

    /// The name in reports.
    pub fn label(self) -> &'static str {
        match self {
            Subject::Baseline => "baseline",
            Subject::Protogate => "protogate",
            Subject::Connectrpc => "connectrpc",
            Subject::ConnectNode => "connect-node",
            Subject::GrpcGateway => "grpc-gateway",
        }
    }

    /// The in-process variant this crate serves, for the two that are.
    pub fn variant(self) -> Option<Variant> {
        match self {
            Subject::Baseline => Some(Variant::Baseline),
            Subject::Protogate => Some(Variant::Protogate),
            Subject::Connectrpc | Subject::ConnectNode | Subject::GrpcGateway => None,
        }
    }

    /// The protocols it serves.
    pub fn protocols(self) -> &'static [Protocol] {
        match self {
            Subject::Baseline => &[
                Protocol::Grpc,
                Protocol::GrpcWeb,
                Protocol::RestH2,
                Protocol::RestH1,
            ],
            Subject::Protogate => &[
                Protocol::Grpc,
                Protocol::GrpcWeb,
                Protocol::RestH2,
                Protocol::RestH1,
                Protocol::Connect,
            ],
            Subject::Connectrpc | Subject::ConnectNode => {
                &[Protocol::Grpc, Protocol::GrpcWeb, Protocol::Connect]
            }
            Subject::GrpcGateway => &[Protocol::Grpc, Protocol::RestH2, Protocol::RestH1],
        }
    }

    /// Whether it serves `protocol`.
    pub fn serves(self, protocol: Protocol) -> bool {
        self.protocols().contains(&protocol)
    }
}

/// How to start a server: a program, its arguments, where it runs.
#[derive(Clone, Debug)]
pub struct Launch {
    /// The program.
    pub program: PathBuf,
    /// Its arguments, before `--users`.
    pub args: Vec<String>,
    /// Its working directory, if not ours.
    pub dir: Option<PathBuf>,
}

impl Launch {
    /// `serve --variant … --store …` of this executable.
    pub fn own(variant: Variant, store: StoreKind) -> Result<Launch, String> {
        let exe = std::env::current_exe().map_err(|e| format!("own executable: {e}"))?;
        Ok(Launch {
            program: exe,
            args: [
                "serve",
                "--variant",
                variant.label(),
                "--addr",
                "127.0.0.1:0",
                "--store",
                store.label(),
            ]
            .map(String::from)
            .to_vec(),
            dir: None,
        })
    }
}

/// A running server.
pub struct Server {
    /// Which one.
    pub variant: Subject,
    /// Where it listens.
    pub addr: SocketAddr,
    child: Child,
    // Held open: the server stops when it closes, so a killed driver leaves nothing behind.
    stdin: Option<ChildStdin>,
}

/// How many users each server seeds (the soak uses their ids).
pub const USERS: usize = 256;

impl Server {
    /// Starts `variant` as `launch` says, on a free loopback port (every server prints
    /// `listening on ADDR` first and stops when its standard input closes).
    pub fn start(variant: Subject, launch: &Launch) -> Result<Server, String> {
        let mut command = Command::new(&launch.program);
        command
            .args(&launch.args)
            .args(["--users", &USERS.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(dir) = &launch.dir {
            command.current_dir(dir);
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("starting the {} server: {e}", variant.label()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| format!("the {} server has no stdout", variant.label()))?;
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("reading the {} server's address: {e}", variant.label()))?;
        let addr = match line
            .trim()
            .strip_prefix("listening on ")
            .and_then(|a| a.parse().ok())
        {
            Some(addr) => addr,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("the {} server said {line:?}", variant.label()));
            }
        };
        let stdin = child.stdin.take();
        Ok(Server {
            variant,
            addr,
            child,
            stdin,
        })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory in KiB (VmRSS).
    pub fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.pid())
    }

    /// User + system CPU time so far.
    pub fn cpu(&self) -> Option<Duration> {
        cpu_time(self.pid())
    }

    /// Moves every thread of the server onto `core`, or back onto every core with `None`
    /// (`taskset -a -p`; threads started later inherit it).
    pub fn pin(&self, core: Option<usize>) -> Result<(), String> {
        let cores = match core {
            Some(core) => core.to_string(),
            None => format!(
                "0-{}",
                std::thread::available_parallelism().map_or(1, |n| n.get()) - 1
            ),
        };
        super::tools::taskset(&["-a", "-p", "-c", &cores, &self.pid().to_string()])
    }

    /// Stops the server, waiting up to 5 s for a graceful exit.
    pub fn stop(mut self) {
        drop(self.stdin.take());
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// VmRSS of `pid` in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// utime + stime of `pid`.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it are plain.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 1000 / clock_ticks()))
}

fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    // USER_HZ is 100 on every Linux this runs on; `getconf` confirms when present.
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100)
    })
}

/// The 1-minute load average.
pub fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN)
}
