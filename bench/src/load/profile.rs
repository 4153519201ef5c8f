//! Instructions per request under callgrind: a count that does not move with the machine's
//! load, so it shows what the req/s figures of a shared 2-core machine blur.
//!
//! Each server runs under `valgrind --tool=callgrind`; per protocol, the harness warms it up,
//! zeroes the counters (`callgrind_control -z`), sends requests one after another on one
//! connection, dumps (`callgrind_control -d`) and divides the instructions by the requests.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::servers::{Launch, Subject};
use crate::auth::Tokens;
use crate::client::{self, Connection, Protocol, VERIFY};
use crate::logic::{seed_user, SEED_CODE, SEED_ORG};

/// Requests per measurement.
pub const REQUESTS: u64 = 500;
const WARM_UP: u64 = 50;

/// One figure.
#[derive(Clone, Debug)]
pub struct Count {
    /// The server.
    pub variant: Subject,
    /// The protocol.
    pub protocol: Protocol,
    /// Instructions per request (server process, all threads).
    pub instructions: f64,
    /// The dump, for `callgrind_annotate`.
    pub dump: PathBuf,
}

/// Whether valgrind and callgrind_control are here.
pub fn available() -> bool {
    let ok = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    ok("valgrind") && ok("callgrind_control")
}

/// Counts every protocol of each server `launches` names (the Rust ones: under callgrind a
/// JIT's count says little, and Go's runtime does not run well under valgrind); dumps go to
/// `dir`.
pub fn run(
    dir: &Path,
    runtime: &tokio::runtime::Runtime,
    launches: &[(Subject, Launch)],
) -> Result<Vec<Count>, String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut counts = Vec::new();
    for (variant, launch) in launches {
        let variant = *variant;
        if matches!(variant, Subject::ConnectNode | Subject::GrpcGateway) {
            continue;
        }
        let (mut child, addr) = start(variant, launch, dir)?;
        let pid = child.id();
        let result = (|| {
            for &protocol in variant.protocols() {
                let dump = measure(runtime, addr, pid, protocol, dir)?;
                let instructions = total_instructions(&dump)? as f64 / REQUESTS as f64;
                eprintln!(
                    "callgrind: {:>12} {:<20} {instructions:>10.0} instructions/request",
                    variant.label(),
                    protocol.label()
                );
                counts.push(Count {
                    variant,
                    protocol,
                    instructions,
                    dump,
                });
            }
            Ok::<(), String>(())
        })();
        let _ = Command::new("kill").arg(pid.to_string()).status();
        let _ = child.wait();
        result?;
    }
    Ok(counts)
}

/// Starts `variant` under callgrind; its dumps go to `dir`.
pub fn start(variant: Subject, launch: &Launch, dir: &Path) -> Result<(Child, SocketAddr), String> {
    use std::io::BufRead as _;
    let mut command = Command::new("valgrind");
    command
        .arg("--tool=callgrind")
        .arg(format!(
            "--callgrind-out-file={}/{}.%p.out",
            dir.display(),
            variant.label()
        ))
        .arg(&launch.program)
        .args(&launch.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(dir) = &launch.dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn().map_err(|e| format!("valgrind: {e}"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| "valgrind has no stdout".to_string())?;
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| format!("the server under valgrind said {line:?}"))?;
    Ok((child, addr))
}

/// Runs `callgrind_control` with `args`.
pub fn control(args: &[&str]) -> Result<(), String> {
    let out = Command::new("callgrind_control")
        .args(args)
        .output()
        .map_err(|e| format!("callgrind_control: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "callgrind_control {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn measure(
    runtime: &tokio::runtime::Runtime,
    addr: SocketAddr,
    pid: u32,
    protocol: Protocol,
    dir: &Path,
) -> Result<PathBuf, String> {
    let token = Tokens::default().mint(&seed_user(0), SEED_ORG, Duration::from_secs(3600));
    let proto = client::string_field_1(SEED_CODE);
    let json = format!("{{\"code\":\"{SEED_CODE}\"}}");
    let send = |n: u64| {
        runtime.block_on(async {
            let mut connection = Connection::open(addr, protocol.is_h2())
                .await
                .map_err(|e| e.to_string())?;
            for _ in 0..n {
                let outcome = connection
                    .call(protocol, VERIFY, Some(&token), &proto, &json)
                    .await
                    .map_err(|e| e.to_string())?;
                if !outcome.ok() {
                    return Err(format!("not OK under callgrind: {outcome:?}"));
                }
            }
            Ok::<(), String>(())
        })
    };
    send(WARM_UP)?;
    let before = dumps(dir);
    control(&["-z", &pid.to_string()])?;
    send(REQUESTS)?;
    control(&["-d", &pid.to_string()])?;
    let after = dumps(dir);
    after
        .into_iter()
        .find(|d| !before.contains(d))
        .ok_or_else(|| "callgrind wrote no dump".to_string())
}

/// The files in `dir` (callgrind's dumps among them).
pub fn dumps(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// The `summary:` (or `totals:`) instruction count of a callgrind dump.
pub fn total_instructions(dump: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(dump).map_err(|e| format!("{}: {e}", dump.display()))?;
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("no instruction total in {}", dump.display()))
}
