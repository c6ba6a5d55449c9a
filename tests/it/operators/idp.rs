//! An identity provider as the tests need one: signing keys made here (EC P-256) and the
//! fixture's RSA key, a JWKS served over loopback HTTP that a test can rotate, and tokens signed
//! with any of the keys.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use parking_lot::Mutex;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const RSA_PEM: &str = include_str!("../../fixtures/identity/rsa-signing-key.pem");
const RSA_JWK: &str = include_str!("../../fixtures/identity/rsa-signing-key.jwk.json");

/// The audience the tests' config names.
pub const AUDIENCE: &str = "gatehouse";

/// One signing key: its id, algorithm, private half and public JWK.
pub struct Key {
    pub kid: String,
    alg: Algorithm,
    private: EncodingKey,
    pub jwk: Value,
}

impl Key {
    /// A fresh EC P-256 key (ES256).
    pub fn ec(kid: &str) -> Key {
        let pair = rcgen::KeyPair::generate().unwrap();
        let raw = pair.public_key_raw();
        Key {
            kid: kid.to_owned(),
            alg: Algorithm::ES256,
            private: EncodingKey::from_ec_pem(pair.serialize_pem().as_bytes()).unwrap(),
            jwk: json!({
                "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
                "x": URL_SAFE_NO_PAD.encode(&raw[1..33]),
                "y": URL_SAFE_NO_PAD.encode(&raw[33..65]),
            }),
        }
    }

    /// The fixture's RSA key (RS256), kid `rsa-2026`.
    pub fn rsa() -> Key {
        Key {
            kid: "rsa-2026".to_owned(),
            alg: Algorithm::RS256,
            private: EncodingKey::from_rsa_pem(RSA_PEM.as_bytes()).unwrap(),
            jwk: serde_json::from_str(RSA_JWK).unwrap(),
        }
    }

    /// `claims` signed with this key, its header naming the key.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.private).unwrap()
    }
}

/// A JWKS served on a loopback port; every GET answers the current set.
pub struct Idp {
    pub base: String,
    jwks: Arc<Mutex<Value>>,
    fetches: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Idp {
    /// Serves a JWKS holding `keys`' public halves.
    pub async fn start(keys: &[&Key]) -> Idp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let jwks = Arc::new(Mutex::new(set(keys)));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (served, counted) = (jwks.clone(), fetches.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = vec![0u8; 4096];
                let _ = socket.read(&mut request).await;
                counted.fetch_add(1, Ordering::SeqCst);
                let body = served.lock().to_string();
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            }
        });
        Idp {
            base,
            jwks,
            fetches,
            task,
        }
    }

    /// The issuer its tokens name.
    pub fn issuer(&self) -> String {
        format!("{}/realms/ops", self.base)
    }

    /// The `[admin.oidc]` table for this provider, with `more` lines.
    pub fn config(&self, more: &str) -> String {
        format!(
            "[admin.oidc]\nissuer = \"{}\"\naudience = \"{AUDIENCE}\"\njwks_url = \"{}/keys\"\n{more}\n",
            self.issuer(),
            self.base
        )
    }

    /// Serves these keys from now on.
    pub fn rotate(&self, keys: &[&Key]) {
        *self.jwks.lock() = set(keys);
    }

    /// How often the JWKS has been fetched.
    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn set(keys: &[&Key]) -> Value {
    json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()})
}
