//! The loopback floor: how many round trips per second one connection can make on this
//! machine with no server at all — a plain TCP echo between two threads, blocking sockets,
//! `TCP_NODELAY`, no HTTP/2 and no work. With one connection the load tool sends a request
//! only when the last answer is back, so no server can answer more requests per second than
//! this echo makes round trips with its ends placed the same way; against a peer's figure it
//! tells whether a goal at one connection is within reach on this machine at all.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use super::{Placement, SHARED_CORE};
use crate::client::Protocol;

/// Bytes each way: about the measured gRPC request's frame.
const MESSAGE: usize = 128;

/// One run of the echo, in one round of the one-connection runs of `protocol`.
#[derive(Clone, Copy, Debug)]
pub struct Floor {
    /// The protocol whose round it ran in.
    pub protocol: Protocol,
    /// The round.
    pub round: usize,
    /// [`Placement::Free`]: its ends pinned to two different cores, as the matrix's
    /// one-connection runs mostly place the load tool and the server; or both on
    /// [`SHARED_CORE`].
    pub placement: Placement,
    /// Round trips per second.
    pub rate: f64,
}

/// How long each echo run lasts.
const RUN: Duration = Duration::from_secs(1);

/// Runs the echo for `protocol`'s `round` and adds it to `floors`. The first failure ends
/// the measurement: `floors` becomes the error, reported instead of the floor. Across cores
/// on a one-core machine, nothing is run.
pub fn record(
    floors: &mut Result<Vec<Floor>, String>,
    protocol: Protocol,
    round: usize,
    placement: Placement,
) {
    let Ok(list) = floors else {
        return;
    };
    let (client, echo) = match placement {
        Placement::Free if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 => {
            return
        }
        Placement::Free => (SHARED_CORE, SHARED_CORE + 1),
        Placement::SharedCore => (SHARED_CORE, SHARED_CORE),
    };
    match round_trips(client, echo, RUN) {
        Ok(rate) => {
            eprintln!(
                "{:>12} {:<20} c=1  {} round {round}: {rate:>9.0} round trips/s",
                "tcp echo",
                protocol.label(),
                if placement == Placement::Free {
                    "two cores"
                } else {
                    "one core "
                },
            );
            list.push(Floor {
                protocol,
                round,
                placement,
                rate,
            });
        }
        Err(e) => *floors = Err(e),
    }
}

/// Round trips per second over loopback TCP, the client thread on `client_core` and the
/// echo thread on `echo_core`, after a tenth of `duration` of warm-up.
pub fn round_trips(
    client_core: usize,
    echo_core: usize,
    duration: Duration,
) -> Result<f64, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("echo: bind: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("echo: local address: {e}"))?;
    std::thread::scope(|scope| {
        let echo = scope.spawn(move || -> Result<(), String> {
            pin_current_thread(echo_core)?;
            let (mut stream, _) = listener
                .accept()
                .map_err(|e| format!("echo: accept: {e}"))?;
            stream
                .set_nodelay(true)
                .map_err(|e| format!("echo: nodelay: {e}"))?;
            let mut buf = [0u8; MESSAGE];
            loop {
                match stream.read_exact(&mut buf) {
                    Ok(()) => stream
                        .write_all(&buf)
                        .map_err(|e| format!("echo: write: {e}"))?,
                    Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(()),
                    Err(e) => return Err(format!("echo: read: {e}")),
                }
            }
        });
        let client = scope.spawn(move || -> Result<f64, String> {
            pin_current_thread(client_core)?;
            let mut stream =
                TcpStream::connect(addr).map_err(|e| format!("echo client: connect: {e}"))?;
            stream
                .set_nodelay(true)
                .map_err(|e| format!("echo client: nodelay: {e}"))?;
            let mut buf = [0x5au8; MESSAGE];
            let mut trip = |stream: &mut TcpStream| -> Result<(), String> {
                stream
                    .write_all(&buf)
                    .map_err(|e| format!("echo client: write: {e}"))?;
                stream
                    .read_exact(&mut buf)
                    .map_err(|e| format!("echo client: read: {e}"))
            };
            let warm_up = Instant::now() + duration / 10;
            while Instant::now() < warm_up {
                trip(&mut stream)?;
            }
            let start = Instant::now();
            let mut count = 0u64;
            while start.elapsed() < duration {
                trip(&mut stream)?;
                count += 1;
            }
            Ok(count as f64 / start.elapsed().as_secs_f64())
        });
        let rate = client
            .join()
            .map_err(|_| "echo client: panicked".to_string())?;
        // The client's stream is closed now (or never opened): the echo sees end of file,
        // or, when the client failed before connecting, is woken by a connection of ours.
        if rate.is_err() {
            let _ = TcpStream::connect(addr);
        }
        let echoed = echo.join().map_err(|_| "echo: panicked".to_string())?;
        match (rate, echoed) {
            (Ok(rate), Ok(())) => Ok(rate),
            // The echo's failure is the cause of the client's.
            (_, Err(e)) | (Err(e), Ok(())) => Err(e),
        }
    })
}

/// Pins the calling thread to `core` with `taskset -p` on its thread id.
fn pin_current_thread(core: usize) -> Result<(), String> {
    // `/proc/thread-self` links to `PID/task/TID`.
    let link =
        std::fs::read_link("/proc/thread-self").map_err(|e| format!("/proc/thread-self: {e}"))?;
    let tid = link
        .file_name()
        .and_then(|t| t.to_str())
        .ok_or_else(|| format!("/proc/thread-self -> {}: no thread id", link.display()))?
        .to_string();
    super::tools::taskset(&["-p", "-c", &core.to_string(), &tid])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_echo_makes_round_trips_and_stops() {
        let rate = round_trips(0, 0, Duration::from_millis(200)).expect("an echo on core 0");
        // A loopback round trip of 128 bytes takes well under 10 ms anywhere.
        assert!(rate > 100.0, "{rate} round trips/s");
    }

    #[test]
    fn a_run_is_recorded_under_its_protocol_round_and_placement() {
        let mut floors = Ok(Vec::new());
        record(&mut floors, Protocol::Connect, 3, Placement::SharedCore);
        let floors = floors.expect("an echo on one core");
        assert_eq!(floors.len(), 1);
        let f = floors[0];
        assert_eq!(
            (f.protocol, f.round, f.placement),
            (Protocol::Connect, 3, Placement::SharedCore)
        );
        assert!(f.rate > 100.0, "{} round trips/s", f.rate);
    }

    #[test]
    fn after_a_failure_nothing_more_is_measured() {
        let mut floors = Err("taskset: not found".to_string());
        record(&mut floors, Protocol::Grpc, 0, Placement::SharedCore);
        assert_eq!(floors.unwrap_err(), "taskset: not found");
    }

    #[test]
    fn a_core_that_does_not_exist_is_reported() {
        let err = round_trips(0, 4096, Duration::from_millis(50)).expect_err("core 4096");
        assert!(err.contains("taskset -p -c 4096"), "{err}");
    }
}
