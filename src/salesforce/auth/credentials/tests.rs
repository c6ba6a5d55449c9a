use super::*;

#[test]
fn a_file_that_is_not_an_rsa_key_is_refused_up_front() {
    let err = Credentials::jwt_bearer("a", "b", &SecretString::from("not a key")).unwrap_err();
    assert!(err.to_string().contains("PEM"), "{err}");
}

#[test]
fn a_key_refused_keeps_the_reason_as_its_cause() {
    let err = Credentials::jwt_bearer("a", "b", &SecretString::from("not a key")).unwrap_err();
    assert!(matches!(err, KeyError::NotRsaPem(_)), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
}
