//! The loopback floor: how many round trips per second one connection can make on this
//! machine with no server at all — a plain TCP echo between two threads, blocking sockets,
//! `TCP_NODELAY`, no HTTP/2 and no work. With one connection the load tool sends a request
//! only when the last answer is back, so no server can answer more requests per second than
//! this echo makes round trips with its ends placed the same way; against a peer's figure it
//! tells whether a goal at one connection is within reach on this machine at all.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Bytes each way: about the measured gRPC request's frame.
const MESSAGE: usize = 128;

/// Round trips per second of the echo in one round.
#[derive(Clone, Copy, Debug)]
pub struct Floor {
    /// The round.
    pub round: usize,
    /// Client and echo pinned to different cores (`None` on a one-core machine).
    pub cross_core: Option<f64>,
    /// Client and echo pinned to one core.
    pub same_core: f64,
}

/// Measures one round: `duration` with the ends on cores 0 and 1, then on core 0 only.
pub fn measure(round: usize, duration: Duration) -> Result<Floor, String> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cross_core = if cores > 1 {
        Some(round_trips(0, 1, duration)?)
    } else {
        None
    };
    let same_core = round_trips(0, 0, duration)?;
    Ok(Floor {
        round,
        cross_core,
        same_core,
    })
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
    fn a_core_that_does_not_exist_is_reported() {
        let err = round_trips(0, 4096, Duration::from_millis(50)).expect_err("core 4096");
        assert!(err.contains("taskset -p -c 4096"), "{err}");
    }
}
