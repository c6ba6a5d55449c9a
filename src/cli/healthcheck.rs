//! `gatehouse healthcheck`: asks a running service whether it is alive, for container
//! `HEALTHCHECK`s in images without curl or a shell.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};

/// How long the probe waits for each of connect, send and answer.
const TIMEOUT: Duration = Duration::from_secs(3);

/// Exits 0 when `GET {url}` answers 200, 1 otherwise (saying why on stderr). Plain HTTP only:
/// the probe runs beside the service.
pub fn run(url: &str) -> ExitCode {
    match probe(url) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("unhealthy: {why:#}");
            ExitCode::FAILURE
        }
    }
}

fn probe(url: &str) -> anyhow::Result<()> {
    let parsed = url::Url::parse(url).with_context(|| format!("'{url}' is not a URL"))?;
    if parsed.scheme() != "http" {
        bail!("'{url}': only http:// is probed");
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| anyhow!("'{url}' names no host"))?;
    let port = parsed.port_or_known_default().unwrap_or(80);
    let address: SocketAddr = (host.trim_matches(['[', ']']), port)
        .to_socket_addrs()
        .with_context(|| host.to_owned())?
        .next()
        .ok_or_else(|| anyhow!("{host} has no address"))?;
    let mut stream =
        TcpStream::connect_timeout(&address, TIMEOUT).with_context(|| address.to_string())?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(TIMEOUT)))
        .context("setting the timeouts")?;
    let request = format!(
        "GET {} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\nuser-agent: gatehouse-healthcheck\r\n\r\n",
        parsed.path()
    );
    stream.write_all(request.as_bytes()).context("sending")?;
    let mut head = [0u8; 32];
    let read = stream.read(&mut head).context("reading")?;
    let status = String::from_utf8_lossy(&head[..read]);
    let code = status.split(' ').nth(1).unwrap_or("");
    if status.starts_with("HTTP/1.") && code == "200" {
        Ok(())
    } else {
        Err(anyhow!(
            "{url} answered '{}'",
            status.lines().next().unwrap_or("")
        ))
    }
}
