use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;

use super::*;
use crate::clock::ManualClock;

const ISSUER: &str = "https://idp.example.com/realms/ops";
const RSA_PEM: &str = include_str!("../../../../tests/fixtures/identity/rsa-signing-key.pem");
const RSA_JWK: &str = include_str!("../../../../tests/fixtures/identity/rsa-signing-key.jwk.json");

/// A provider with the fixture's RSA key and a fresh EC key, its JWKS in a file.
struct Provider {
    ec: EncodingKey,
    rsa: EncodingKey,
    clock: ManualClock,
    verifier: OidcVerifier,
    _jwks: tempfile::NamedTempFile,
}

fn provider(extra: &str) -> Provider {
    let pair = rcgen::KeyPair::generate().unwrap();
    let raw = pair.public_key_raw();
    let ec_jwk = json!({
        "kty": "EC", "crv": "P-256", "kid": "ec-1", "use": "sig", "alg": "ES256",
        "x": URL_SAFE_NO_PAD.encode(&raw[1..33]), "y": URL_SAFE_NO_PAD.encode(&raw[33..65]),
    });
    let rsa_jwk: Value = serde_json::from_str(RSA_JWK).unwrap();
    let shared =
        json!({"kty": "oct", "kid": "hs", "k": URL_SAFE_NO_PAD.encode(b"a shared secret")});
    let mut jwks = tempfile::NamedTempFile::new().unwrap();
    let document = json!({"keys": [shared, ec_jwk, rsa_jwk]});
    jwks.write_all(document.to_string().as_bytes()).unwrap();
    let config: OidcConfig = toml::from_str(&format!(
        "issuer = \"{ISSUER}\"\naudience = \"gatehouse\"\njwks_file = \"{}\"\n{extra}",
        jwks.path().display()
    ))
    .unwrap();
    let clock = ManualClock::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap());
    Provider {
        ec: EncodingKey::from_ec_pem(pair.serialize_pem().as_bytes()).unwrap(),
        rsa: EncodingKey::from_rsa_pem(RSA_PEM.as_bytes()).unwrap(),
        verifier: OidcVerifier::new(&config, clock.shared()).unwrap(),
        clock,
        _jwks: jwks,
    }
}

impl Provider {
    fn claims(&self) -> Value {
        let now = 1_800_000_000;
        json!({
            "iss": ISSUER, "aud": ["account", "gatehouse"], "sub": "00u1",
            "email": "ada@example.com", "preferred_username": "ada",
            "iat": now, "exp": now + 300, "groups": ["staff", "gatehouse-approvers"],
            "gatehouse_role": "operator",
        })
    }

    fn es256(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some("ec-1".into());
        jsonwebtoken::encode(&header, claims, &self.ec).unwrap()
    }

    fn rs256(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some("rsa-2026".into());
        jsonwebtoken::encode(&header, claims, &self.rsa).unwrap()
    }
}

const GROUPS: &str = "[groups]\n\"gatehouse-approvers\" = \"approver\"\n";

#[tokio::test]
async fn a_signed_token_names_the_operator_and_their_roles() {
    let p = provider(&format!("role_claim = \"gatehouse_role\"\n{GROUPS}"));
    for token in [p.es256(&p.claims()), p.rs256(&p.claims())] {
        let operator = p.verifier.verify(&token).await.unwrap();
        assert_eq!(operator.actor, "ada@example.com");
        assert_eq!(operator.roles, [Role::Operator, Role::Approver]);
        assert_eq!(operator.credential, Credential::Oidc);
    }
}

#[tokio::test]
async fn the_actor_comes_from_the_configured_claim() {
    let p = provider(&format!("actor_claim = \"preferred_username\"\n{GROUPS}"));
    let operator = p.verifier.verify(&p.es256(&p.claims())).await.unwrap();
    assert_eq!(operator.actor, "ada");
    assert_eq!(operator.roles, [Role::Approver], "no role_claim configured");
    let mut claims = p.claims();
    claims["preferred_username"] = json!("");
    let refused = p.verifier.verify(&p.es256(&claims)).await.unwrap_err();
    assert!(
        matches!(refused, JwtRefusal::BadActor("preferred_username")),
        "{refused}"
    );
}

#[tokio::test]
async fn times_are_checked_by_the_service_clock_with_leeway() {
    let p = provider(GROUPS);
    let token = p.es256(&p.claims());
    p.clock.advance(chrono::TimeDelta::seconds(300 + 60));
    assert!(p.verifier.verify(&token).await.is_ok(), "within the leeway");
    p.clock.advance(chrono::TimeDelta::seconds(1));
    assert!(matches!(
        p.verifier.verify(&token).await,
        Err(JwtRefusal::Expired)
    ));
    let mut early = p.claims();
    early["nbf"] = json!(1_800_000_000 + 3600);
    early["exp"] = json!(1_800_000_000 + 7200);
    let refused = p.verifier.verify(&p.es256(&early)).await.unwrap_err();
    assert!(matches!(refused, JwtRefusal::NotYetValid), "{refused}");
}

#[tokio::test]
async fn issuer_audience_and_signature_must_all_hold() {
    let p = provider(GROUPS);
    let mut other_issuer = p.claims();
    other_issuer["iss"] = json!("https://idp.example.com/realms/other");
    let mut other_audience = p.claims();
    other_audience["aud"] = json!("another-app");
    let mut no_expiry = p.claims();
    no_expiry.as_object_mut().unwrap().remove("exp");
    assert!(matches!(
        p.verifier.verify(&p.es256(&other_issuer)).await,
        Err(JwtRefusal::WrongIssuer)
    ));
    assert!(matches!(
        p.verifier.verify(&p.es256(&other_audience)).await,
        Err(JwtRefusal::WrongAudience)
    ));
    assert!(
        matches!(p.verifier.verify(&p.es256(&no_expiry)).await, Err(JwtRefusal::MissingClaim(c)) if c == "exp")
    );
    // The EC key's token claiming the RSA key's id, and a signature cut short.
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some("rsa-2026".into());
    let swapped = jsonwebtoken::encode(&header, &p.claims(), &p.ec).unwrap();
    assert!(matches!(
        p.verifier.verify(&swapped).await,
        Err(JwtRefusal::BadSignature)
    ));
    let good = p.rs256(&p.claims());
    let cut = &good[..good.len() - 4];
    assert!(matches!(
        p.verifier.verify(cut).await,
        Err(JwtRefusal::BadSignature)
    ));
}

#[tokio::test]
async fn a_shared_secret_signature_is_never_taken() {
    let p = provider(GROUPS);
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("hs".into());
    let token = jsonwebtoken::encode(
        &header,
        &p.claims(),
        &EncodingKey::from_secret(b"a shared secret"),
    )
    .unwrap();
    let refused = p.verifier.verify(&token).await.unwrap_err();
    assert!(
        matches!(refused, JwtRefusal::Algorithm(Algorithm::HS256)),
        "{refused}"
    );
}

#[test]
fn only_three_part_tokens_look_like_jwts() {
    assert!(looks_like_jwt("eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"));
    assert!(!looks_like_jwt("quickstart-admin-token-do-not-deploy"));
    assert!(!looks_like_jwt("a.b"));
    assert!(!looks_like_jwt("a.b.c d"));
}
