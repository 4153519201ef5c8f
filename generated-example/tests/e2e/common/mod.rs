//! The harness: a data directory (and a PostgreSQL database when asked), the `verify-phone`
//! binary as a real server process, and the command-line calls tests make.

pub mod api;
/// A private PostgreSQL cluster to stop and start (shared with the bench's `pg-restarts`).
#[path = "../../../../bench/src/faults/cluster.rs"]
pub mod pg_cluster;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
pub use verify_phone::token::Claims;
use verify_phone::token::Tokens;

pub use api::{Api, Call, Failure, Protocol};

pub const TOKEN_KEY: &str = "e2e-token-key-0123456789abcdef-0123456789";
pub const CODE_KEY: &str = "e2e-code-key-0123456789abcdef-01234567890";
pub const ISSUER: &str = "verify-phone";
pub const AUDIENCE: &str = "verify-phone";

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests create their databases on: TEST_DATABASE_URL, or DATABASE_URL
/// when it is a PostgreSQL URL.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .or_else(|| std::env::var("DATABASE_URL").ok())?;
    (url.starts_with("postgres://") || url.starts_with("postgresql://")).then_some(url)
}

/// One test's state: a working directory and, on PostgreSQL, a database of its own.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub database_url: Option<String>,
    /// Whether the keys are given by env (else the server creates them in the data dir).
    pub keys_from_env: bool,
    /// The server's `RUST_LOG`.
    pub rust_log: &'static str,
    postgres: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl Env {
    /// A fresh environment, or `None` (the test is skipped) for PostgreSQL without a server.
    pub async fn new(backend: Backend) -> Option<Env> {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, postgres) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let Some(admin) = postgres_url() else {
                    eprintln!("skipped: set TEST_DATABASE_URL (scripts/postgres.sh prints one)");
                    return None;
                };
                let name = format!(
                    "vp_e2e_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed)
                );
                create_database(&admin, &name).await;
                (Some(with_database(&admin, &name)), Some((admin, name)))
            }
        };
        Some(Env {
            dir,
            database_url,
            keys_from_env: true,
            rust_log: "warn,verify_phone=info",
            postgres,
        })
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `verify-phone ARGS` in this environment: its own working directory, database and keys.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_verify-phone"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("RUST_LOG", self.rust_log)
            .env_remove("VERIFY_PHONE_DATA_DIR")
            .env_remove("VERIFY_PHONE_ADDR")
            .env_remove("VERIFY_PHONE_CODE_EXPIRY")
            .env_remove("VERIFY_PHONE_MAX_ATTEMPTS")
            .env_remove("VERIFY_PHONE_TOKEN_ISSUER")
            .env_remove("VERIFY_PHONE_TOKEN_AUDIENCE")
            // The send limits are off unless a test turns them on with flags (which win over
            // the environment): the other tests send codes faster than the defaults allow.
            .env("VERIFY_PHONE_SENDS_PER_PHONE", "0")
            .env("VERIFY_PHONE_SENDS_PER_USER", "0")
            .env("VERIFY_PHONE_RESEND_INTERVAL", "0")
            .env_remove("VERIFY_PHONE_SEND_WINDOW")
            .kill_on_drop(true);
        match &self.database_url {
            Some(url) => cmd.env("DATABASE_URL", url),
            None => cmd.env_remove("DATABASE_URL"),
        };
        if self.keys_from_env {
            cmd.env("VERIFY_PHONE_TOKEN_KEY", TOKEN_KEY)
                .env("VERIFY_PHONE_CODE_KEY", CODE_KEY);
        } else {
            cmd.env_remove("VERIFY_PHONE_TOKEN_KEY")
                .env_remove("VERIFY_PHONE_CODE_KEY");
        }
        cmd
    }

    /// Runs a command to completion.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.command(args)
            .stdin(Stdio::null())
            .output()
            .await
            .expect("verify-phone runs")
    }

    /// Starts `verify-phone serve` on a free port with `extra` flags.
    pub async fn start(&self, extra: &[&str]) -> Server {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let log = self.dir.path().join(format!("server-{n}.log"));
        let mut args = vec!["serve", "--addr", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = self
            .command(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("server starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line()).await;
        let addr = match first {
            Ok(Ok(Some(line))) => parse_listening(&line),
            _ => None,
        };
        let Some(addr) = addr else {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("the server did not start; its log:\n{log}");
        };
        let mut banner = Vec::new();
        while let Ok(Ok(Some(line))) =
            tokio::time::timeout(Duration::from_millis(200), lines.next_line()).await
        {
            let done = line.starts_with("Stop with Ctrl-C");
            banner.push(line);
            if done {
                break;
            }
        }
        // Keeps reading so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Server {
            child,
            addr,
            banner,
            log,
        }
    }

    /// A token for `user` of `org`, minted with the test key (the user is not created).
    pub fn token(&self, user: &str, org: &str) -> String {
        tokens()
            .mint(user, org, Duration::from_secs(600))
            .expect("mint")
    }

    /// Creates `user` in `org` with `verify-phone token` and returns the token it printed.
    pub async fn user(&self, user: &str, org: &str) -> String {
        let out = self.run(&["token", "--user", user, "--org", org]).await;
        assert!(out.status.success(), "token failed: {}", stderr(&out));
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_string()
    }

    /// Every outbox message, from `verify-phone outbox --json`.
    pub async fn outbox(&self) -> Vec<serde_json::Value> {
        let out = self.run(&["outbox", "--json"]).await;
        assert!(out.status.success(), "outbox failed: {}", stderr(&out));
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
            .collect()
    }

    /// The last code sent to `user`.
    pub async fn last_code(&self, user: &str) -> String {
        self.outbox()
            .await
            .iter()
            .rev()
            .find(|m| m["user_id"] == user)
            .and_then(|m| m["code"].as_str().map(str::to_string))
            .unwrap_or_else(|| panic!("no SMS for {user} in the outbox"))
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop is synchronous; a short-lived runtime on another thread drops the database.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                use sqlx::{Connection as _, Executor as _};
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = conn.execute(sql.as_str()).await;
                }
            });
        })
        .join();
    }
}

pub fn tokens() -> Tokens {
    Tokens::new(TOKEN_KEY.as_bytes(), ISSUER, AUDIENCE)
}

/// Claims valid for the test key, to be altered.
pub fn claims(user: &str, org: &str) -> Claims {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: user.into(),
        org: org.into(),
        iat: now,
        exp: now + 600,
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn parse_listening(line: &str) -> Option<SocketAddr> {
    let rest = line.strip_prefix("verify-phone listening on http://")?;
    rest.split_whitespace().next()?.parse().ok()
}

async fn create_database(admin: &str, name: &str) {
    use sqlx::{Connection as _, Executor as _};
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at TEST_DATABASE_URL: {e}"));
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create database (the role needs CREATEDB)");
}

/// `url` with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority = main.find("://").map_or(0, |i| i + 3);
    let path = main[authority..]
        .find('/')
        .map_or(main.len(), |i| authority + i);
    format!("{}/{name}{query}", &main[..path])
}

/// A running `verify-phone serve`.
pub struct Server {
    child: tokio::process::Child,
    pub addr: SocketAddr,
    /// What it printed on start.
    pub banner: Vec<String>,
    pub log: PathBuf,
}

impl Server {
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn api(&self, protocol: Protocol, token: Option<&str>) -> Api {
        Api::new(protocol, &self.base(), token).await
    }

    /// SIGKILL: no shutdown, no flush.
    pub async fn kill9(mut self) {
        self.child.start_kill().expect("kill");
        let _ = self.child.wait().await;
    }

    /// SIGTERM, and waits for a clean exit.
    pub async fn stop(mut self) {
        let pid = self.child.id().expect("running").to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        let exit = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("stops within 20 s")
            .expect("exit status");
        assert!(
            exit.success(),
            "clean exit, got {exit}; log: {}",
            self.log_text()
        );
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        with_database(
            "postgres://u:p@127.0.0.1:5432/postgres?sslmode=disable",
            "x"
        ),
        "postgres://u:p@127.0.0.1:5432/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
