//! For the daemons built on the SDK (the content and discovery nodes).

use std::future::Future;

/// Resolves on Ctrl-C or SIGTERM (what systemd and container runtimes send to stop a service), so a daemon stops
/// taking connections and lets the requests in flight finish instead of dying by the signal. The SIGTERM handler is
/// installed when this is called (inside the runtime), not when the future is first polled: a signal arriving
/// between binding the listener and serving would otherwise kill the process.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let terminate = async {
            match terminate {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = terminate => {},
        }
    }
}
