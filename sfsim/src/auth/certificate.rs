//! The RSA public key inside a connected app's certificate.
//!
//! Salesforce verifies a JWT bearer assertion with the certificate uploaded to the connected
//! app. `jsonwebtoken` wants the bare public key, so this walks just enough of the X.509 DER
//! (RFC 5280: Certificate → tbsCertificate → subjectPublicKeyInfo) to take it out, rather than
//! pulling in a full X.509 parser for one field.

use jsonwebtoken::DecodingKey;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// Why a certificate gave no usable key. Only ever reported as "invalid assertion", as
/// Salesforce does, but kept apart for the simulator's own tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("no PEM certificate found")]
    NoCertificate,
    #[error("the certificate's DER structure is malformed")]
    Malformed,
    #[error("the certificate's key is not an RSA key")]
    NotRsa,
}

/// DER of the rsaEncryption OID, 1.2.840.113549.1.1.1.
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// The key that verifies assertions signed by the holder of this certificate. A bare
/// `PUBLIC KEY` PEM is accepted too, so fixtures may ship either.
pub fn verification_key(pem: &str) -> Result<DecodingKey, CertificateError> {
    if pem.contains("-----BEGIN PUBLIC KEY-----") || pem.contains("-----BEGIN RSA PUBLIC KEY-----")
    {
        return DecodingKey::from_rsa_pem(pem.as_bytes()).map_err(|_| CertificateError::NotRsa);
    }
    let der = CertificateDer::pem_slice_iter(pem.as_bytes())
        .next()
        .and_then(Result::ok)
        .ok_or(CertificateError::NoCertificate)?;
    let rsa_public_key = rsa_public_key(der.as_ref())?;
    Ok(DecodingKey::from_rsa_der(rsa_public_key))
}

/// The PKCS#1 `RSAPublicKey` inside a DER certificate.
fn rsa_public_key(certificate: &[u8]) -> Result<&[u8], CertificateError> {
    let (certificate, _) = element(certificate, SEQUENCE)?;
    let (tbs, _) = element(certificate, SEQUENCE)?;
    let mut rest = tbs;
    // version [0] EXPLICIT is optional (absent means v1).
    if rest.first() == Some(&0xa0) {
        rest = skip(rest)?;
    }
    // serialNumber, signature, issuer, validity, subject.
    for _ in 0..5 {
        rest = skip(rest)?;
    }
    let (spki, _) = element(rest, SEQUENCE)?;
    let (algorithm, after_algorithm) = element(spki, SEQUENCE)?;
    let (oid, _) = element(algorithm, OBJECT_IDENTIFIER)?;
    if oid != RSA_ENCRYPTION {
        return Err(CertificateError::NotRsa);
    }
    let (bits, _) = element(after_algorithm, BIT_STRING)?;
    // The first byte of a BIT STRING counts unused bits; a key has none.
    match bits.split_first() {
        Some((0, key)) => Ok(key),
        _ => Err(CertificateError::Malformed),
    }
}

const SEQUENCE: u8 = 0x30;
const OBJECT_IDENTIFIER: u8 = 0x06;
const BIT_STRING: u8 = 0x03;

/// Reads one TLV with the expected tag; returns its content and what follows it.
fn element(input: &[u8], tag: u8) -> Result<(&[u8], &[u8]), CertificateError> {
    let (found, content, rest) = tlv(input)?;
    if found != tag {
        return Err(CertificateError::Malformed);
    }
    Ok((content, rest))
}

/// Skips one TLV of any tag.
fn skip(input: &[u8]) -> Result<&[u8], CertificateError> {
    tlv(input).map(|(_, _, rest)| rest)
}

fn tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), CertificateError> {
    let (&tag, input) = input.split_first().ok_or(CertificateError::Malformed)?;
    let (&first, mut input) = input.split_first().ok_or(CertificateError::Malformed)?;
    let length = if first < 0x80 {
        usize::from(first)
    } else {
        let octets = usize::from(first & 0x7f);
        if octets == 0 || octets > 4 || input.len() < octets {
            return Err(CertificateError::Malformed);
        }
        let (bytes, after) = input.split_at(octets);
        input = after;
        bytes.iter().fold(0usize, |n, b| (n << 8) | usize::from(*b))
    };
    if input.len() < length {
        return Err(CertificateError::Malformed);
    }
    let (content, rest) = input.split_at(length);
    Ok((tag, content, rest))
}

#[cfg(test)]
mod tests;
