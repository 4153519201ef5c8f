//! `verify-phone`: serve the phone endpoints, mint a token, or print the SMS outbox.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser as _;
use tracing_subscriber::EnvFilter;
use verify_phone::app::{App, AppError, Opened};
use verify_phone::banner::{self, Banner, DEMO_ORG, DEMO_USER};
use verify_phone::config::{Cli, Command, Config, OutboxArgs, ServeArgs, TokenArgs};
use verify_phone::store::{timestamp, EventStore as _};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    // Logs go to stderr: `token` and `outbox` print their answer alone on stdout.
    let default_level = match command {
        Command::Serve(_) => "info,sqlx=warn",
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let result = match command {
        Command::Serve(args) => serve(&cli.config, args).await,
        Command::Token(args) => token(&cli.config, args).await,
        Command::Outbox(args) => outbox(&cli.config, args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: &Config, args: ServeArgs) -> Result<(), AppError> {
    let app = App::open(config).await?;
    app.phones.ensure_user(DEMO_USER, DEMO_ORG).await?;
    let token = app
        .tokens
        .mint(DEMO_USER, DEMO_ORG, Duration::from_secs(24 * 3600))?;
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|source| AppError::Listen {
            addr: args.addr,
            source,
        })?;
    let addr = listener.local_addr()?;
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("verify-phone"));
    let schema_dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/proto"));
    let schema_dir = schema_dir
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("schemas/proto"));
    let banner = Banner {
        addr,
        token: &token,
        database: &app.database,
        outbox_command: banner::outbox_command(&exe, &app.data_dir, config.database_url.is_some()),
        schema_dir: &schema_dir,
    };
    let mut stdout = std::io::stdout().lock();
    // Flushed at once: scripts and tests wait for the first line to learn the address.
    stdout.write_all(banner.render().as_bytes())?;
    stdout.flush()?;
    drop(stdout);
    tracing::info!(%addr, "serving");
    app.server()
        .serve_with_shutdown(listener, protogate::server::shutdown_signal())
        .await?;
    app.store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn token(config: &Config, args: TokenArgs) -> Result<(), AppError> {
    let app = App::open(config).await?;
    app.phones.ensure_user(&args.user, &args.org).await?;
    let token = app.tokens.mint(&args.user, &args.org, args.ttl)?;
    println!("{token}");
    app.store.close().await;
    Ok(())
}

async fn outbox(config: &Config, args: OutboxArgs) -> Result<(), AppError> {
    let opened = Opened::store(config).await?;
    let messages = opened.store.outbox().await?;
    opened.store.close().await;
    let mut stdout = std::io::stdout().lock();
    for m in messages {
        let created_at = timestamp(m.created_at).to_string();
        if args.json {
            let line = serde_json::json!({
                "user_id": m.user_id,
                "phone": m.phone,
                "code": m.code,
                "message": m.message,
                "created_at": created_at,
            });
            writeln!(stdout, "{line}")?;
        } else {
            // The code last, so `awk '{print $NF}'` picks it.
            writeln!(
                stdout,
                "{created_at}  {}  {}  {}",
                m.user_id, m.phone, m.code
            )?;
        }
    }
    stdout.flush()?;
    Ok(())
}
