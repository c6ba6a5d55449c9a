//! The real `gatehouse serve` as a child process, its log (JSON lines on stderr) appended to a
//! file the test reads; stopped with SIGTERM as a service manager does, or killed with SIGKILL
//! as an operating system does (no drain, no commit) and started again on the same store.

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

/// The line the binary logs once it accepts connections.
const LISTENING: &str = "\"message\":\"listening\"";
/// Polls of the log or `/readyz` before a wait fails, 50 ms apart: bounds a hang, times nothing.
const POLLS: usize = 2400;
const POLL: Duration = Duration::from_millis(50);

/// A config written for the binary, with its folder (store and log) and environment.
pub struct ServedConfig {
    dir: Arc<tempfile::TempDir>,
    /// The store's PostgreSQL database, when the test runs on PostgreSQL.
    _database: Option<Arc<super::backing::ScratchDatabase>>,
    path: PathBuf,
    log: PathBuf,
    env: Vec<(String, String)>,
}

impl ServedConfig {
    /// Writes `text` as the config in `dir` (beside the log), for a test that writes its own
    /// config rather than a builder's.
    pub fn write(
        dir: Arc<tempfile::TempDir>,
        database: Option<Arc<super::backing::ScratchDatabase>>,
        text: &str,
        env: Vec<(String, String)>,
    ) -> Self {
        let path = dir.path().join("gatehouse.toml");
        std::fs::write(&path, text).expect("config written");
        let log = dir.path().join("serve.log");
        ServedConfig {
            dir,
            _database: database,
            path,
            log,
            env,
        }
    }

    /// The store's file, to open it after the binary stopped.
    pub fn store_path(&self) -> PathBuf {
        self.dir.path().join("gatehouse.db")
    }

    /// Starts `gatehouse serve` on a free port and waits until it logs that it listens.
    pub fn start(&self) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
        for (name, _) in std::env::vars() {
            if name.starts_with("GATEHOUSE_") || name.starts_with("OTEL_") || name == "RUST_LOG" {
                command.env_remove(name);
            }
        }
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        // The log may hold an earlier run's lines: wait for one more.
        let earlier = std::fs::read_to_string(&self.log).unwrap_or_default();
        let listening = earlier.matches(LISTENING).count() + 1;
        let child = command
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .args(["serve", "--config"])
            .arg(&self.path)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::from(output))
            .spawn()
            .expect("gatehouse starts");
        let served = Served {
            child: Some(child),
            base: format!("http://127.0.0.1:{port}"),
            log: self.log.clone(),
            _dir: self.dir.clone(),
        };
        served.block_until_logged(LISTENING, listening);
        served
    }
}

impl ServedConfig {
    /// Runs `gatehouse serve` and waits for it to exit on its own (a start-up that fails):
    /// answers the status and the whole log. One still running after a generous bound is
    /// killed, so a start-up that should have failed fails the test instead of hanging it.
    pub fn run_to_exit(&self) -> (ExitStatus, String) {
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .args(["serve", "--config"])
            .arg(&self.path)
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::from(output))
            .spawn()
            .expect("gatehouse runs");
        let mut exited = None;
        for _ in 0..POLLS {
            exited = child.try_wait().expect("wait");
            if exited.is_some() {
                break;
            }
            std::thread::sleep(POLL);
        }
        let status = match exited {
            Some(status) => status,
            None => {
                child.kill().expect("kill");
                child.wait().expect("wait")
            }
        };
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        (status, log)
    }
}

/// A running `gatehouse serve`.
pub struct Served {
    child: Option<Child>,
    pub base: String,
    log: PathBuf,
    _dir: Arc<tempfile::TempDir>,
}

impl Served {
    /// The log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether the log holds `needle` `times` times; panics with the log if the binary failed.
    fn logged(&self, needle: &str, times: usize) -> bool {
        let log = self.log();
        assert!(
            !log.contains("gatehouse stopped on an error"),
            "gatehouse failed:\n{log}"
        );
        log.matches(needle).count() >= times
    }

    fn block_until_logged(&self, needle: &str, times: usize) {
        for _ in 0..POLLS {
            if self.logged(needle, times) {
                return;
            }
            std::thread::sleep(POLL);
        }
        self.never_logged(needle, times)
    }

    fn never_logged(&self, needle: &str, times: usize) -> ! {
        panic!(
            "the log never held {needle:?} {times} time(s):\n{}",
            self.log()
        )
    }

    /// Waits until the log holds `needle` at least `times` times; panics with the log after a
    /// generous bound, or at once if the binary failed.
    pub async fn wait_for_log(&self, needle: &str, times: usize) {
        for _ in 0..POLLS {
            if self.logged(needle, times) {
                return;
            }
            tokio::time::sleep(POLL).await;
        }
        self.never_logged(needle, times)
    }

    /// Waits until `/readyz` answers 200.
    pub async fn ready(&self) {
        let client = reqwest::Client::new();
        for _ in 0..POLLS {
            if let Ok(answer) = client.get(format!("{}/readyz", self.base)).send().await
                && answer.status() == 200
            {
                return;
            }
            tokio::time::sleep(POLL).await;
        }
        panic!("gatehouse never became ready; its log:\n{}", self.log());
    }

    /// SIGKILL: the process ends at once, committing nothing.
    pub fn kill(mut self) {
        let mut child = self.child.take().expect("running");
        child.kill().expect("kill");
        child.wait().expect("wait");
    }

    /// SIGTERM, then waits for the exit; answers the status and the whole log.
    pub fn stop(mut self) -> (ExitStatus, String) {
        let mut child = self.child.take().expect("running");
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(sent.success());
        let status = child.wait().expect("wait");
        (status, self.log())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
