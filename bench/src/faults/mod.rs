//! Database faults under load, against the example server (`verify-phone`, the binary next to
//! this one) running the phone flow over REST and gRPC ([`flow`]):
//!
//! - `protogate-bench pg-restarts` ([`pg`]): PostgreSQL, in a private cluster ([`cluster`]),
//!   stopped and started N times; reports restarts survived, acknowledged writes lost, the time
//!   from the database accepting connections again to the first successful answer, and the
//!   answers while it was down.
//! - `protogate-bench sqlite-full` ([`sqlite`]): SQLite at its size limit (the server's
//!   `--sqlite-max-pages`, SQLITE_FULL as on a full disk) until space is freed; reports the
//!   answers while full, the time from freeing space to the first successful write, lost
//!   writes and `PRAGMA integrity_check`.
//!
//! Each prints its figures as Markdown for BENCHMARKS.md's Reliability section.

pub mod cluster;
pub mod flow;
pub mod pg;
pub mod sqlite;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader};

use crate::client::Protocol;
use flow::{Answer, Client, Journal};

/// The errors of a run.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A finished run: its Markdown, and whether it met its goals.
pub struct Outcome {
    /// The figures, as Markdown.
    pub markdown: String,
    /// No acknowledged write lost, every fault survived.
    pub passed: bool,
}

/// Runs `run` on a fresh runtime and prints its report; fails when the goals were missed.
pub fn main<F: Future<Output = Result<Outcome, Error>>>(run: F) -> ExitCode {
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
    sqlx::any::install_default_drivers();
    match runtime.block_on(run) {
        Ok(outcome) => {
            println!("{}", outcome.markdown);
            if outcome.passed {
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

/// `verify-phone` in a working directory of its own, on one database.
pub struct ServerUnderTest {
    binary: PathBuf,
    /// The working directory (data directory `data/` below it).
    pub work: PathBuf,
    /// The database; `None`: SQLite in `work/data`.
    pub database_url: Option<String>,
    /// `--database-timeout`.
    pub database_timeout: String,
}

impl ServerUnderTest {
    /// A fresh working directory for `binary` (default: `verify-phone` next to this binary).
    pub fn new(
        binary: Option<&Path>,
        name: &str,
        database_url: Option<String>,
        database_timeout: &str,
    ) -> Result<ServerUnderTest, Error> {
        let binary = match binary {
            Some(path) => path.to_path_buf(),
            None => std::env::current_exe()?.with_file_name("verify-phone"),
        };
        let work = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        std::fs::create_dir_all(&work)?;
        Ok(ServerUnderTest {
            binary,
            work,
            database_url,
            database_timeout: database_timeout.to_string(),
        })
    }

    /// `verify-phone ARGS` with this database, fixed keys and no send limits.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(&self.binary);
        command
            .args(args)
            .current_dir(&self.work)
            .env(
                "VERIFY_PHONE_TOKEN_KEY",
                "fault-runs-token-key-0123456789abcdef",
            )
            .env(
                "VERIFY_PHONE_CODE_KEY",
                "fault-runs-code-key-0123456789abcdefgh",
            )
            .env("VERIFY_PHONE_SENDS_PER_PHONE", "0")
            .env("VERIFY_PHONE_SENDS_PER_USER", "0")
            .env("VERIFY_PHONE_RESEND_INTERVAL", "0")
            .env("VERIFY_PHONE_DATABASE_TIMEOUT", &self.database_timeout)
            .env("RUST_LOG", "warn")
            .env_remove("VERIFY_PHONE_DATA_DIR")
            .kill_on_drop(true);
        match &self.database_url {
            Some(url) => command.env("DATABASE_URL", url),
            None => command.env_remove("DATABASE_URL"),
        };
        command
    }

    /// The URL the run reads the database with.
    pub fn read_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rw",
                self.work.join("data/verify-phone.db").display()
            ),
        }
    }

    /// Creates `client0`… and returns their tokens.
    pub async fn tokens(&self, clients: usize) -> Result<Vec<String>, Error> {
        let mut tokens = Vec::new();
        for i in 0..clients {
            let user = format!("client{i}");
            let out = self
                .command(&["token", "--user", &user, "--org", "o"])
                .output()
                .await?;
            if !out.status.success() {
                return Err(format!("token: {}", String::from_utf8_lossy(&out.stderr)).into());
            }
            tokens.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
        }
        Ok(tokens)
    }

    /// Starts `serve` with `extra` flags; returns the process and its address.
    pub async fn serve(
        &self,
        extra: &[&str],
    ) -> Result<(tokio::process::Child, SocketAddr), Error> {
        let mut args = vec!["serve", "--addr", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut server = self
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(self.work.join("server.log"))?)
            .spawn()?;
        let addr = listening(&mut server).await?;
        Ok((server, addr))
    }
}

impl Drop for ServerUnderTest {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.work);
    }
}

/// Clients running the flow, half over REST (HTTP/1.1), half over gRPC, until stopped.
pub struct Load {
    stop: Arc<AtomicBool>,
    /// What they saw.
    pub journal: Arc<Mutex<Journal>>,
    clients: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    /// Starts one client per token against `addr`.
    pub fn start(addr: SocketAddr, tokens: Vec<String>, read_url: &str) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let journal = Arc::new(Mutex::new(Journal::default()));
        let clients = tokens
            .into_iter()
            .enumerate()
            .map(|(index, token)| {
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
                    database_url: read_url.to_string(),
                };
                tokio::spawn(client.run(stop.clone(), journal.clone()))
            })
            .collect();
        Load {
            stop,
            journal,
            clients,
        }
    }

    /// Stops the clients and returns what they saw.
    pub async fn finish(self) -> Result<Journal, Error> {
        self.stop.store(true, Ordering::Relaxed);
        for client in self.clients {
            client.await?;
        }
        let mut journal = self.journal.lock().map_err(|_| "journal poisoned")?;
        Ok(std::mem::take(&mut *journal))
    }
}

/// SIGTERM, then waits up to 20 s; whether it was still running before.
pub async fn stop_server(server: &mut tokio::process::Child) -> Result<bool, Error> {
    let running = server.try_wait()?.is_none();
    if let Some(pid) = server.id() {
        let _ = tokio::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(20), server.wait()).await;
    Ok(running)
}

/// Answers grouped by [`Answer::label`]: count, median and max latency.
pub fn by_label<'a>(answers: impl Iterator<Item = &'a Answer>) -> String {
    let mut groups: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    for answer in answers {
        groups
            .entry(answer.label())
            .or_default()
            .push(answer.finished - answer.started);
    }
    let mut out =
        String::from("| answer | count | median latency | max latency |\n|---|---|---|---|\n");
    for (label, mut latencies) in groups {
        latencies.sort();
        let median = latencies[latencies.len() / 2];
        let max = latencies[latencies.len() - 1];
        out.push_str(&format!(
            "| {label} | {} | {} | {} |\n",
            latencies.len(),
            millis(median),
            millis(max)
        ));
    }
    out
}

/// `12 ms`, or `1.23 s` from a second on.
pub fn millis(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
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
