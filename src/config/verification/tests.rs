use chrono::DateTime;

use super::*;

#[derive(Deserialize)]
struct Holder {
    verification: VerificationConfig,
}

fn parse(text: &str) -> Result<VerificationConfig, String> {
    toml::from_str::<Holder>(text)
        .map(|h| h.verification)
        .map_err(|e| e.to_string())
}

#[test]
fn expiry_reads_quoted_and_native_toml_date_times() {
    for written in ["\"2026-12-01T00:00:00Z\"", "2026-12-01T00:00:00Z"] {
        let text = format!(
            "[verification]\nscheme = \"okta\"\nsecrets = [{{ secret = \"s\", expires_at = {written} }}]"
        );
        let VerificationConfig::Okta(okta) = parse(&text).unwrap() else {
            panic!("okta expected");
        };
        assert_eq!(
            okta.secrets[0].expires_at,
            DateTime::from_timestamp(1_796_083_200, 0)
        );
    }
}

#[test]
fn expiry_without_offset_is_refused_with_an_example() {
    let text = "[verification]\nscheme = \"okta\"\nsecrets = [{ secret = \"s\", expires_at = \"2026-12-01\" }]";
    let err = parse(text).unwrap_err();
    assert!(err.contains("2026-12-01T00:00:00Z"), "{err}");
}

#[test]
fn expiry_reads_through_figment_as_the_service_loads_config() {
    use figment::providers::{Format, Toml};
    let text = "[verification]\nscheme = \"okta\"\nsecrets = [{ secret = \"s\", expires_at = 2026-12-01T00:00:00Z }]";
    let holder: Holder = figment::Figment::from(Toml::string(text))
        .extract()
        .unwrap();
    let VerificationConfig::Okta(okta) = holder.verification else {
        panic!("okta expected");
    };
    assert!(okta.secrets[0].expires_at.is_some());
}

#[test]
fn unknown_scheme_and_misspelt_keys_are_refused() {
    let err = parse("[verification]\nscheme = \"sha1\"\nsecrets = []").unwrap_err();
    assert!(err.contains("standard-webhooks"), "{err}");
    let err = parse(
        "[verification]\nscheme = \"standard-webhooks\"\nsecrets = []\ntolerence_seconds = 3",
    )
    .unwrap_err();
    assert!(err.contains("tolerence_seconds"), "{err}");
}

#[test]
fn printed_config_shows_where_secrets_come_from_not_their_values() {
    let text = "[verification]\nscheme = \"standard-webhooks\"\nsecrets = [{ secret = \"whsec_c2VjcmV0\", label = \"a\" }, { secret = { env = \"PP_OLD\" } }]";
    let config = parse(text).unwrap();
    let printed = toml::to_string(&config).unwrap();
    assert!(!printed.contains("c2VjcmV0"), "{printed}");
    assert!(printed.contains("PP_OLD"), "{printed}");
    assert!(printed.contains("standard-webhooks"), "{printed}");
}

#[test]
fn tolerance_zero_and_too_wide_are_refused() {
    let zero = tolerance("k.tolerance_seconds".into(), Some(0), 300).unwrap_err();
    assert!(
        zero.to_string().starts_with("k.tolerance_seconds:"),
        "{zero}"
    );
    assert!(tolerance("k".into(), Some(86_401), 300).is_err());
    assert_eq!(tolerance("k".into(), None, 300).unwrap(), 300);
    assert_eq!(tolerance("k".into(), Some(60), 300).unwrap(), 60);
}

#[test]
fn header_names_are_checked_and_lower_cased() {
    assert_eq!(
        header_name("k".into(), "X-Gusto-Signature").unwrap(),
        "x-gusto-signature"
    );
    assert!(header_name("k".into(), "bad header").is_err());
    assert!(header_name("k".into(), "").is_err());
}

#[test]
fn an_empty_secret_list_is_a_config_error_naming_the_key() {
    let err = resolve_secrets(&[], "sources.hr.verification")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("sources.hr.verification.secrets:"), "{err}");
}
