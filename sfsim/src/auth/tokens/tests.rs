use super::*;

#[test]
fn a_token_stops_working_when_its_lifetime_is_over() {
    let tokens = Tokens::new(Duration::minutes(10));
    let t0 = Utc::now();
    let (token, _) = tokens.issue("00D000000000001AAA", "005x", "u@x", "app", t0);
    assert!(token.starts_with("00D000000000001!"));
    assert!(tokens.session(&token, t0 + Duration::minutes(9)).is_some());
    assert!(tokens.session(&token, t0 + Duration::minutes(10)).is_none());
}

#[test]
fn revoking_one_token_leaves_the_others() {
    let tokens = Tokens::default();
    let now = Utc::now();
    let (a, _) = tokens.issue("00D", "005a", "a", "app", now);
    let (b, _) = tokens.issue("00D", "005b", "b", "app", now);
    assert!(tokens.revoke(&a));
    assert!(!tokens.revoke(&a));
    assert!(tokens.session(&a, now).is_none());
    assert!(tokens.session(&b, now).is_some());
    assert_eq!(tokens.revoke_all(), 1);
}
