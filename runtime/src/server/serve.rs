//! The one accept loop, for cleartext (HTTP/1.1 and h2c) and TLS alike: hyper-util's
//! automatic HTTP/1.1-or-HTTP/2 connection builder with the server's settings, connection
//! limits at accept, the TLS handshake limit, a bound on the bytes that tell HTTP/1.1 from
//! HTTP/2, the request body timeout, and graceful shutdown.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use http::Request;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_rustls::TlsAcceptor;

use super::body_timeout::TimedBody;
use super::conn_limit::ConnectionLimiter;
use super::settings::Serving;
use super::ServerService;

/// How long a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the loop waits after a failed accept (out of file descriptors and the like)
/// instead of spinning.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// What one accept loop serves, and how.
pub(super) struct Accepting {
    pub(super) service: ServerService,
    pub(super) serving: Serving,
    pub(super) tls: Option<TlsAcceptor>,
    pub(super) nodelay: bool,
}

/// Accepts connections on `listener` and serves them until `signal`, then lets the
/// connections' in-flight requests finish.
pub(super) async fn serve(
    listener: tokio::net::TcpListener,
    accepting: Accepting,
    signal: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let Accepting {
        service,
        serving,
        tls,
        nodelay,
    } = accepting;
    let builder = serving.connection_builder();
    let limiter = ConnectionLimiter::new(
        serving.max_connections,
        serving.max_connections_per_ip,
        serving.abuse_cooldown,
        serving.stats.clone(),
    );
    let preface_timeout = serving.http1.header_read_timeout;
    let body_timeout = serving.request_body_timeout;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut signal = std::pin::pin!(signal);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::debug!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let slot = match limiter.admit(peer.ip()) {
            Ok(slot) => slot,
            Err(refusal) => {
                tracing::debug!(%peer, ?refusal, "connection refused: connection limit reached");
                continue;
            }
        };
        if let Err(e) = tcp.set_nodelay(nodelay) {
            tracing::debug!(error = %e, "TCP_NODELAY not set on an accepted connection");
        }
        let service = service.clone();
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        let limiter = limiter.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let hyper_service =
                hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                    let mut service = service.clone();
                    let request = match body_timeout {
                        Some(timeout) => request.map(|b| Body::new(TimedBody::new(b, timeout))),
                        None => request.map(Body::new),
                    };
                    tower::Service::call(&mut service, request)
                });
            let served = match tls {
                None => {
                    let io = FirstBytes::new(tcp, preface_timeout);
                    let connection = builder.serve_connection_with_upgrades(
                        hyper_util::rt::TokioIo::new(io),
                        hyper_service,
                    );
                    watcher.watch(connection.into_owned()).await
                }
                Some(acceptor) => {
                    let stream =
                        match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                            Ok(Ok(stream)) => stream,
                            Ok(Err(e)) => {
                                tracing::debug!(%peer, error = %e, "TLS handshake failed");
                                return;
                            }
                            Err(_) => {
                                tracing::debug!(%peer, "TLS handshake timed out");
                                return;
                            }
                        };
                    let io = FirstBytes::new(stream, preface_timeout);
                    let connection = builder.serve_connection_with_upgrades(
                        hyper_util::rt::TokioIo::new(io),
                        hyper_service,
                    );
                    watcher.watch(connection.into_owned()).await
                }
            };
            if let Err(e) = served {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
                if closed_for_abuse(e.as_ref()) {
                    limiter.cool_down(peer.ip());
                }
            }
        });
    }
    graceful.shutdown().await;
    Ok(())
}

/// Whether a connection ended with GOAWAY ENHANCE_YOUR_CALM: HTTP/2's answer to a peer
/// that resets or errs on too many streams (rapid reset and its kin).
fn closed_for_abuse(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(h2) = e.downcast_ref::<h2::Error>() {
            return h2.reason() == Some(h2::Reason::ENHANCE_YOUR_CALM);
        }
        next = e.source();
    }
    false
}

/// The HTTP/2 connection preface, whose first bytes tell HTTP/2 from HTTP/1.1.
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// A connection whose first bytes must come within a time limit: until they tell HTTP/1.1
/// (a byte off the HTTP/2 preface) from HTTP/2 (the whole preface), a read that waits past
/// the limit fails with `TimedOut`. hyper bounds what follows (HTTP/1.1's header read
/// timeout, HTTP/2's keepalive pings), but not the wait for those bytes.
struct FirstBytes<I> {
    io: I,
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    matched: usize,
}

impl<I> FirstBytes<I> {
    fn new(io: I, timeout: Duration) -> FirstBytes<I> {
        FirstBytes {
            io,
            deadline: Some(Box::pin(tokio::time::sleep(timeout))),
            matched: 0,
        }
    }

    /// Follows the preface through `read`; drops the deadline once the protocol is known.
    fn saw(&mut self, read: &[u8]) {
        for byte in read {
            if H2_PREFACE.get(self.matched) != Some(byte) {
                self.deadline = None;
                return;
            }
            self.matched += 1;
        }
        if self.matched >= H2_PREFACE.len() {
            self.deadline = None;
        }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for FirstBytes<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        if this.deadline.is_none() {
            return Pin::new(&mut this.io).poll_read(cx, buf);
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                this.saw(&buf.filled()[before..]);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match this.deadline.as_mut().map(|d| d.as_mut().poll(cx)) {
                Some(Poll::Ready(())) => {
                    tracing::debug!("connection closed: no request within the time limit");
                    Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "no request within the time limit",
                    )))
                }
                _ => Poll::Pending,
            },
        }
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for FirstBytes<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
