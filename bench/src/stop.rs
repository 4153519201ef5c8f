//! When a server the load driver started should stop: SIGTERM, Ctrl-C, or its standard input
//! closing (the driver has gone). Shared with the connectrpc peer, which compiles this file in.

use std::io::Read as _;

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
    // Standard input is read on a plain thread, not on tokio's blocking pool: a read blocked
    // there would hold up the runtime's drop after SIGTERM until the driver closed the pipe.
    let (closed, stdin_closed) = tokio::sync::oneshot::channel::<()>();
    let reader = std::thread::Builder::new()
        .name("stdin-watch".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut buf = [0u8; 64];
            while let Ok(n) = stdin.read(&mut buf) {
                if n == 0 {
                    break;
                }
            }
            let _ = closed.send(());
        });
    let stdin_closed = async {
        match reader {
            // A dropped sender (the thread ended some other way) also means no more input.
            Ok(_) => {
                let _ = stdin_closed.await;
            }
            // Without the watcher the other two still stop the server.
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = term => {}
        _ = tokio::signal::ctrl_c() => {}
        _ = stdin_closed => {}
    }
}
