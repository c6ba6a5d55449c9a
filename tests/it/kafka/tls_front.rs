//! A TLS front for a test broker.
//!
//! tansu 0.6 takes `--cert` and `--key` but cannot serve TLS: its CLI puts both flags in one
//! clap group, so it refuses the two together ("the argument '--cert' cannot be used with
//! '--key'"), and its broker builds a `TlsAcceptor` (`let _acceptor = …`, tansu-broker
//! `src/broker.rs`) that it never uses — every accepted connection is served as plain TCP. So
//! the TLS tests terminate TLS here, in front of a plain broker that advertises the front's
//! address: what they prove is the client side — librdkafka's handshake, its CA and hostname
//! checks, its client certificate — with Gatehouse's settings as a user writes them.

use std::net::TcpListener;
use std::sync::Arc;

use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_rustls::{TlsAcceptor, rustls};

/// TLS on one loopback port, each connection relayed in clear to the broker behind it.
pub struct TlsFront {
    listener: Option<TcpListener>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TlsFront {
    /// Takes a free loopback port, so the broker can be told to advertise it before the front
    /// knows where to relay.
    pub fn bind() -> TlsFront {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        TlsFront {
            listener: Some(listener),
            stop: None,
            thread: None,
        }
    }

    /// `127.0.0.1:port` of the front.
    pub fn addr(&self) -> String {
        let listener = self.listener.as_ref().expect("bound");
        listener.local_addr().expect("local address").to_string()
    }

    /// Starts answering with `tls`, relaying to `upstream` (`host:port`). Runs on a thread of its
    /// own, so it keeps relaying while a test blocks on a Kafka client.
    pub fn serve(&mut self, tls: rustls::ServerConfig, upstream: String) {
        let listener = self.listener.as_ref().expect("bound").try_clone();
        let listener = listener.expect("listener");
        listener.set_nonblocking(true).expect("non-blocking");
        let acceptor = TlsAcceptor::from(Arc::new(tls));
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("front runtime");
            runtime.block_on(relay(listener, acceptor, upstream, stopped));
        });
        self.stop = Some(stop);
        self.thread = Some(thread);
    }
}

async fn relay(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    upstream: String,
    mut stopped: oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => {
                let Ok((client, _)) = accepted else { continue };
                let acceptor = acceptor.clone();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    // A refused handshake is the client's to report; the front just drops it.
                    let Ok(mut tls) = acceptor.accept(client).await else { return };
                    let Ok(mut broker) = TcpStream::connect(&upstream).await else { return };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut broker).await;
                });
            }
        }
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
