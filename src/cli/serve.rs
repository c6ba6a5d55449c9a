//! `gatehouse serve`: run the service until SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use crate::clock::SystemClock;
use crate::config::Settings;
use crate::startup::Application;

pub fn run(path: &Path, listen: Option<SocketAddr>) -> ExitCode {
    let mut settings = match crate::startup::load_settings(Some(path)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", crate::report::chain(&e));
            return ExitCode::FAILURE;
        }
    };
    if let Some(addr) = listen {
        settings.service.listen = addr;
    }
    let Some(runtime) = super::runtime() else {
        return ExitCode::FAILURE;
    };
    // Inside the runtime: the trace exporters send from it.
    let tracing = match runtime.block_on(async { crate::telemetry::install(&settings) }) {
        Ok(tracing) => tracing,
        Err(e) => {
            eprintln!("error: traces: {}", crate::report::chain(&e));
            return ExitCode::FAILURE;
        }
    };
    let code = match runtime.block_on(serve(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "gatehouse stopped on an error");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    };
    // The runtime still runs here, so the last spans can leave.
    tracing.shutdown();
    code
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(&settings, Arc::new(SystemClock)).await?;
    let shutdown = app.shutdown();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutdown requested");
        shutdown.stop().await;
    });
    app.run_until_stopped().await
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
