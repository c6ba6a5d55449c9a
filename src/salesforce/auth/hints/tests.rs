use super::hint_for;

#[test]
fn each_known_refusal_points_at_its_fix() {
    let cases = [
        (
            "invalid_grant",
            "user hasn't approved this consumer",
            "pre-authorize",
        ),
        ("invalid_grant", "audience is invalid", "login_url"),
        ("invalid_grant", "expired authorization code", "clock"),
        ("invalid_grant", "invalid assertion", "certificate"),
        ("invalid_grant", "inactive user", "deactivated"),
        (
            "invalid_grant",
            "no client credentials user enabled",
            "Run As",
        ),
        ("invalid_grant", "authentication failure", "My Domain"),
        (
            "invalid_client_id",
            "client identifier invalid",
            "consumer key",
        ),
        (
            "invalid_client",
            "invalid client credentials",
            "client_secret",
        ),
        (
            "unsupported_grant_type",
            "grant type not supported",
            "Enable Client Credentials",
        ),
    ];
    for (error, description, expected) in cases {
        let hint = hint_for(error, description);
        assert!(hint.contains(expected), "{error}/{description}: {hint}");
    }
}

#[test]
fn an_unknown_refusal_still_gets_a_direction() {
    assert!(hint_for("something_new", "").contains("connected app"));
}
