//! The rapid reset attacker as a process of its own (`protogate-bench abuse-flood`), so that
//! it can run on other CPUs than the server and the well-behaved client.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::clients::Flood;

/// The attacker's settings.
#[derive(clap::Args, Clone, Debug)]
pub struct FloodOptions {
    /// The server under attack.
    #[arg(long)]
    pub addr: SocketAddr,
    /// How long the flood lasts, in seconds.
    #[arg(long)]
    pub seconds: f64,
    /// The address the attack comes from (another loopback address than the client's, so
    /// that refusing the attacker's address does not refuse the client).
    #[arg(long, default_value = "127.0.0.2")]
    pub source: IpAddr,
    /// The CPUs the attacker runs on (`1`, `1-3`); any when absent.
    #[arg(long)]
    pub cpus: Option<String>,
}

/// Floods for the given time, then prints `resets N closed M` on one line.
pub fn run(options: FloodOptions) -> std::process::ExitCode {
    if let Err(e) = super::cpus::pin_spec(options.cpus.as_deref()) {
        eprintln!("error: {e}");
        return std::process::ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let flood = runtime.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        let timer = tokio::spawn({
            let stop = stop.clone();
            let seconds = options.seconds.max(0.0);
            async move {
                tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
                stop.store(true, Ordering::Relaxed);
            }
        });
        // The flood checks `stop` between streams; a connection stuck past the end ends it.
        let flood = tokio::time::timeout(
            Duration::from_secs_f64(options.seconds.max(0.0) + 5.0),
            super::clients::rapid_reset(options.addr, options.source, stop),
        )
        .await;
        timer.abort();
        flood
    });
    match flood {
        Ok(flood) => {
            println!(
                "resets {} closed {}",
                flood.resets, flood.connections_closed
            );
            std::process::ExitCode::SUCCESS
        }
        Err(_) => {
            eprintln!("error: the flood did not stop in time");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Reads what [`run`] printed.
pub fn parse_report(line: &str) -> Option<Flood> {
    let mut words = line.split_whitespace();
    let (Some("resets"), Some(resets), Some("closed"), Some(closed)) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return None;
    };
    Some(Flood {
        resets: resets.parse().ok()?,
        connections_closed: closed.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn report_round_trip() {
        let flood = super::parse_report("resets 12 closed 3").expect("a report");
        assert_eq!((flood.resets, flood.connections_closed), (12, 3));
        assert!(super::parse_report("resets x closed 3").is_none());
    }
}
