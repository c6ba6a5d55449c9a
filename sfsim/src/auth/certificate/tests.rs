use super::*;

const DEV_CERTIFICATE: &str = include_str!("../../../fixtures/keys/gatehouse-dev.crt");

#[test]
fn the_shipped_test_certificate_yields_an_rsa_key() {
    let der = CertificateDer::pem_slice_iter(DEV_CERTIFICATE.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    let key = rsa_public_key(der.as_ref()).unwrap();
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    assert_eq!(key[0], SEQUENCE);
    assert!(verification_key(DEV_CERTIFICATE).is_ok());
}

#[test]
fn garbage_is_refused_without_panicking() {
    assert_eq!(
        verification_key("not a certificate").err(),
        Some(CertificateError::NoCertificate)
    );
    for cut in [0, 1, 2, 10, 100] {
        let der = CertificateDer::pem_slice_iter(DEV_CERTIFICATE.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        let truncated = &der.as_ref()[..cut];
        assert!(rsa_public_key(truncated).is_err());
    }
}
