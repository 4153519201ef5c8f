//! `protogate-bench sqlite-full`: the flow fills a SQLite database up to its size limit, stays
//! there a while, and gets space back when a ballast table is dropped.
//!
//! The limit is the server's `--sqlite-max-pages` (SQLite's `max_page_count`): a write past it
//! fails with SQLITE_FULL, the error a full file system gives, without needing root for a
//! small file system. The ballast (a table of zeros written before the server starts) is what
//! an operator would keep to free in an emergency; SQLite reuses its pages once it is dropped.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sqlx::{AnyConnection, Connection as _, Executor as _, Row as _};

use super::flow::{self, Journal};
use super::{by_label, millis, stop_server, Error, Load, Outcome, ServerUnderTest};

const RESOURCE_EXHAUSTED: i32 = 8;

/// `sqlite-full`.
#[derive(Clone, Debug, clap::Args)]
pub struct Options {
    /// Concurrent clients, half over REST (HTTP/1.1), half over gRPC.
    #[arg(long, default_value_t = 8)]
    pub clients: usize,
    /// The ballast written before the server starts, in KiB.
    #[arg(long, default_value_t = 4096)]
    pub ballast_kib: u64,
    /// Pages (4 KiB) the flow may add before the database is full.
    #[arg(long, default_value_t = 64)]
    pub headroom_pages: i64,
    /// How long the database stays full, in milliseconds, before the ballast is dropped.
    #[arg(long, default_value_t = 3000)]
    pub full_ms: u64,
    /// How long the flow runs after space came back, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub after_ms: u64,
    /// The server's `--database-timeout`.
    #[arg(long, default_value = "2s")]
    pub database_timeout: String,
    /// The `verify-phone` binary (default: next to this one).
    #[arg(long)]
    pub server: Option<PathBuf>,
}

/// Fills the database, frees space, and reports.
pub async fn run(options: Options) -> Result<Outcome, Error> {
    let sut = ServerUnderTest::new(
        options.server.as_deref(),
        "sqlite-full",
        None,
        &options.database_timeout,
    )?;
    let tokens = sut.tokens(options.clients).await?;
    let url = sut.read_url();
    let pages = write_ballast(&url, options.ballast_kib).await?;
    let limit = (pages + options.headroom_pages).to_string();
    let (mut server, addr) = sut.serve(&["--sqlite-max-pages", &limit]).await?;
    let started = Instant::now();
    let load = Load::start(addr, tokens, &url);

    let full = first_refusal(&load, Duration::from_secs(300)).await?;
    tokio::time::sleep(Duration::from_millis(options.full_ms)).await;
    let mut db = connect(&url).await?;
    db.execute("DROP TABLE ballast").await?;
    let freed = Instant::now();
    drop(db);
    tokio::time::sleep(Duration::from_millis(options.after_ms)).await;

    let journal = load.finish().await?;
    let still_running = stop_server(&mut server).await?;
    let lost = flow::lost_writes(&url, &journal.acked).await?;
    let mut db = connect(&url).await?;
    let integrity: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await?
        .try_get(0)?;
    let figures = Figures {
        started,
        full,
        freed,
        integrity,
        lost: lost.len(),
        still_running,
        limit: pages + options.headroom_pages,
    };
    Ok(figures.report(&options, &journal))
}

struct Figures {
    started: Instant,
    /// When the first write was refused as full.
    full: Instant,
    /// When the ballast was dropped.
    freed: Instant,
    integrity: String,
    lost: usize,
    still_running: bool,
    limit: i64,
}

impl Figures {
    fn report(&self, options: &Options, journal: &Journal) -> Outcome {
        let acked_before = journal
            .answers
            .iter()
            .filter(|a| a.ok() && a.finished < self.full)
            .count();
        let recovery = journal
            .answers
            .iter()
            .filter(|a| a.ok() && a.finished >= self.freed)
            .map(|a| a.finished - self.freed)
            .min();
        let while_full = journal
            .answers
            .iter()
            .filter(|a| a.started >= self.full && a.started < self.freed);
        let mut out = format!(
            "- database limit {} pages ({} KiB of ballast + {} pages of headroom); full after \
             {} ({acked_before} successful calls), kept full {} ms, then the ballast dropped \
             while the server ran\n",
            self.limit,
            options.ballast_kib,
            options.headroom_pages,
            millis(self.full - self.started),
            options.full_ms
        );
        out.push_str(&format!(
            "- ballast dropped → first successful write: **{}**; the server never restarted{}\n",
            recovery.map_or("none".to_string(), millis),
            if self.still_running {
                ""
            } else {
                " (it had exited!)"
            }
        ));
        out.push_str(&format!(
            "- acknowledged writes lost: **{}** of {}; `PRAGMA integrity_check` afterwards: \
             **{}**\n",
            self.lost,
            journal.acked.len(),
            self.integrity
        ));
        out.push_str("- answers to calls sent while the database was full:\n\n");
        out.push_str(&by_label(while_full));
        Outcome {
            markdown: out,
            passed: self.lost == 0
                && self.integrity == "ok"
                && self.still_running
                && recovery.is_some(),
        }
    }
}

async fn connect(url: &str) -> Result<AnyConnection, Error> {
    let mut db = AnyConnection::connect(url).await?;
    db.execute("PRAGMA busy_timeout = 10000").await?;
    Ok(db)
}

/// Writes the ballast and returns the database's size in pages.
async fn write_ballast(url: &str, kib: u64) -> Result<i64, Error> {
    let mut db = connect(url).await?;
    db.execute("CREATE TABLE ballast (b BLOB)").await?;
    let insert = format!("INSERT INTO ballast VALUES (zeroblob({}))", kib * 1024);
    db.execute(insert.as_str()).await?;
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    let pages: i64 = sqlx::query("PRAGMA page_count")
        .fetch_one(&mut db)
        .await?
        .try_get(0)?;
    Ok(pages)
}

/// When the first write was refused with RESOURCE_EXHAUSTED.
async fn first_refusal(load: &Load, within: Duration) -> Result<Instant, Error> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        let refused = load
            .journal
            .lock()
            .map_err(|_| "journal poisoned")?
            .answers
            .iter()
            .filter(|a| matches!(a.status, Some((_, RESOURCE_EXHAUSTED))))
            .map(|a| a.finished)
            .min();
        if let Some(at) = refused {
            return Ok(at);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("the database never filled up".into())
}
