//! When a server the load driver started should stop: SIGTERM, Ctrl-C, or its standard input
//! closing (the driver has gone). Shared with the connectrpc peer, which compiles this file in.

use tokio::io::AsyncReadExt as _;

/// Resolves on SIGTERM, Ctrl-C, or the end of standard input.
pub async fn stopped() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            // Without a handler the other two still stop the server.
            Err(_) => std::future::pending::<()>().await,
        }
    };
    let stdin_closed = async {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 64];
        while let Ok(n) = stdin.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    };
    tokio::select! {
        _ = term => {}
        _ = tokio::signal::ctrl_c() => {}
        _ = stdin_closed => {}
    }
}
