//! For the daemons built on the SDK (the content and discovery nodes).

/// Resolves on Ctrl-C or SIGTERM (what systemd and container runtimes send to stop a service), so a daemon stops
/// taking connections and lets the requests in flight finish instead of dying by the signal.
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = terminate => {},
    }
}
