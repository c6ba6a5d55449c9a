use super::*;
use secrecy::ExposeSecret;

#[derive(Deserialize)]
struct Holder {
    s: SecretRef,
}

fn parse(toml_text: &str) -> SecretRef {
    toml::from_str::<Holder>(toml_text).expect("valid toml").s
}

#[test]
fn inline_and_table_forms_resolve_to_the_value() {
    for text in [r#"s = "abc""#, r#"s = { value = "abc" }"#] {
        let secret = parse(text).resolve("k").expect("resolves");
        assert_eq!(secret.expose_secret(), "abc");
    }
}

#[test]
fn file_secret_drops_the_trailing_newline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s");
    std::fs::write(&path, "from-file\n").expect("write");
    let secret = SecretRef::File { file: path }
        .resolve("k")
        .expect("resolves");
    assert_eq!(secret.expose_secret(), "from-file");
}

#[test]
fn missing_env_names_the_key_and_the_variable() {
    let err = parse(r#"s = { env = "GATEHOUSE_TEST_SURELY_UNSET_VAR" }"#)
        .resolve("sources.x.secret")
        .unwrap_err()
        .to_string();
    assert!(err.contains("sources.x.secret"), "{err}");
    assert!(err.contains("GATEHOUSE_TEST_SURELY_UNSET_VAR"), "{err}");
}

#[test]
fn debug_and_serialised_forms_never_show_the_value() {
    let s = parse(r#"s = "hunter2""#);
    assert!(!format!("{s:?}").contains("hunter2"));
    let json = serde_json::to_string(&s).expect("serialises");
    assert!(!json.contains("hunter2"), "{json}");
}
