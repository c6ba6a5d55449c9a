//! HTTPS for the simulated org: a local test CA and a `localhost`/`127.0.0.1` certificate it
//! signs, made on first use and kept, so a client can trust exactly one file (`ca.pem`).

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A server certificate (PEM, leaf first, chain after) and its private key (PEM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The generated development certificate: the CA to trust, and the files to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevCertificate {
    /// The CA certificate clients trust (`ca.pem`).
    pub ca: PathBuf,
    pub files: TlsFiles,
}

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("TLS file {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("TLS file {path}: {source}")]
    Pem { path: PathBuf, source: pem::Error },
    #[error("no certificate in {0}")]
    NoCertificate(PathBuf),
    #[error("no private key in {0}")]
    NoKey(PathBuf),
    #[error("generating the test certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("the certificate and key do not make a TLS server: {0}")]
    Rustls(#[from] rustls::Error),
}

const CA_CERT: &str = "ca.pem";
const CA_KEY: &str = "ca.key";
const SERVER_CERT: &str = "localhost.pem";
const SERVER_KEY: &str = "localhost.key";
/// Held (an exclusive `flock`) while the files are checked and made, so that several sfsim
/// processes starting at once on the same folder make one CA and one certificate it signed.
const LOCK: &str = ".lock";

/// Where `--tls` keeps its files: `sfsim/tls/` in the source tree.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tls")
}

/// One generation at a time within a process (the lock file keeps processes apart); files are
/// written whole (temp file, rename) so a concurrent reader never sees half a key.
static GENERATING: Mutex<()> = Mutex::new(());

/// The development certificate in `dir`: reused when present, otherwise made. A missing
/// server certificate is re-signed by the existing CA (so a CA already trusted stays
/// valid); a missing CA makes everything anew.
pub fn dev_certificate(dir: &Path) -> Result<DevCertificate, TlsError> {
    let _one_at_a_time = GENERATING.lock();
    let _one_process_at_a_time = lock_folder(dir)?;
    let at = |name: &str| dir.join(name);
    let found = DevCertificate {
        ca: at(CA_CERT),
        files: TlsFiles {
            cert: at(SERVER_CERT),
            key: at(SERVER_KEY),
        },
    };
    if [CA_CERT, CA_KEY, SERVER_CERT, SERVER_KEY]
        .iter()
        .all(|name| at(name).is_file())
        && server_config(&found.files).is_ok()
    {
        return Ok(found);
    }
    let existing_ca_key = if at(CA_CERT).is_file() {
        std::fs::read_to_string(at(CA_KEY))
            .ok()
            .and_then(|pem| KeyPair::from_pem(&pem).ok())
    } else {
        None
    };
    let ca_key = match existing_ca_key {
        Some(key) => key,
        None => {
            let key = KeyPair::generate()?;
            let ca = ca_params()?.self_signed(&key)?;
            write(&at(CA_KEY), &key.serialize_pem())?;
            write(&at(CA_CERT), &ca.pem())?;
            key
        }
    };
    // The same name and key give an issuer whose signatures chain to the stored ca.pem.
    let ca = ca_params()?.self_signed(&ca_key)?;
    let server_key = KeyPair::generate()?;
    let server = server_params()?.signed_by(&server_key, &ca, &ca_key)?;
    write(&at(SERVER_KEY), &server_key.serialize_pem())?;
    write(&at(SERVER_CERT), &server.pem())?;
    Ok(found)
}

/// Makes `dir` if needed and takes its lock file; the lock goes when the file is dropped.
fn lock_folder(dir: &Path) -> Result<std::fs::File, TlsError> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| TlsError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let path = dir.join(LOCK);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_error(&path))?;
    file.lock().map_err(io_error(&path))?;
    Ok(file)
}

fn ca_params() -> Result<CertificateParams, rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    let mut name = DistinguishedName::new();
    name.push(
        DnType::CommonName,
        "sfsim local test CA (TEST ONLY - never trust outside tests)",
    );
    name.push(DnType::OrganizationName, "sfsim");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = rcgen::date_time_ymd(2024, 1, 1);
    params.not_after = rcgen::date_time_ymd(2074, 1, 1);
    Ok(params)
}

fn server_params() -> Result<CertificateParams, rcgen::Error> {
    let mut params = CertificateParams::new(vec!["localhost".to_owned()])?;
    params
        .subject_alt_names
        .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    params
        .subject_alt_names
        .push(SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "sfsim localhost (TEST ONLY)");
    params.distinguished_name = name;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.not_before = rcgen::date_time_ymd(2024, 1, 1);
    params.not_after = rcgen::date_time_ymd(2074, 1, 1);
    Ok(params)
}

fn write(path: &Path, contents: &str) -> Result<(), TlsError> {
    let io_error = |source| TlsError::Io {
        path: path.to_path_buf(),
        source,
    };
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temporary, contents).map_err(io_error)?;
    std::fs::rename(&temporary, path).map_err(io_error)
}

/// A rustls server configuration from PEM files (ring as the crypto provider, chosen
/// explicitly so it does not depend on which providers the build happens to include).
pub fn server_config(files: &TlsFiles) -> Result<rustls::ServerConfig, TlsError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| TlsError::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let cert_pem = read(&files.cert)?;
    let certs = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| TlsError::Pem {
            path: files.cert.clone(),
            source,
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate(files.cert.clone()));
    }
    let key_pem = read(&files.key)?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|source| match source {
        pem::Error::NoItemsFound => TlsError::NoKey(files.key.clone()),
        source => TlsError::Pem {
            path: files.key.clone(),
            source,
        },
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    Ok(config)
}
