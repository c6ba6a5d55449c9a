use super::*;

#[test]
fn reserve_reads_counts_and_shares() {
    assert_eq!(ApiReserve::parse("5000"), Ok(ApiReserve::Calls(5000)));
    assert_eq!(
        ApiReserve::parse("10%"),
        Ok(ApiReserve::Percent { basis_points: 1000 })
    );
    assert_eq!(
        ApiReserve::parse(" 12.5% "),
        Ok(ApiReserve::Percent { basis_points: 1250 })
    );
    assert_eq!(
        ApiReserve::parse("0.05%"),
        Ok(ApiReserve::Percent { basis_points: 5 })
    );
    for bad in [
        "", "%", "ten%", "-5%", "100%", "150%", "1.234%", "5 calls", "1e3%", ".5%",
    ] {
        assert!(ApiReserve::parse(bad).is_err(), "{bad:?} should be refused");
    }
}

#[test]
fn reserve_shares_round_up_to_whole_calls() {
    let share = ApiReserve::Percent { basis_points: 1000 };
    assert_eq!(share.calls_of(100_000), 10_000);
    assert_eq!(share.calls_of(15), 2);
    assert_eq!(share.calls_of(0), 0);
    assert_eq!(ApiReserve::Calls(7).calls_of(3), 7);
    // The product overflows u64; the arithmetic is done in u128 and stays exact.
    let near_all = ApiReserve::Percent {
        basis_points: 9_999,
    }
    .calls_of(u64::MAX);
    assert_eq!(
        u128::from(near_all),
        (u128::from(u64::MAX) * 9_999).div_ceil(10_000)
    );
}

#[test]
fn reserve_prints_as_it_is_written() {
    for text in ["10%", "12.50%", "0.05%"] {
        let reserve = ApiReserve::parse(text).unwrap();
        assert_eq!(ApiReserve::parse(&reserve.to_string()), Ok(reserve));
    }
    let json = serde_json::to_string(&ApiReserve::parse("7.5%").unwrap()).unwrap();
    assert_eq!(json, "\"7.50%\"");
}

#[test]
fn custom_field_names_are_checked_before_they_reach_a_path_or_soql() {
    for good in ["Gatehouse_Key__c", "Key__c", "acme__Person_Key__c", "K2__c"] {
        assert!(is_custom_field_name(good), "{good}");
    }
    for bad in [
        "Gatehouse_Key",
        "__c",
        "1Key__c",
        "Key_Field___c",
        "Key'__c",
        "Key/x__c",
        "a__b__c__c",
        "Key __c",
        "Email",
    ] {
        assert!(!is_custom_field_name(bad), "{bad}");
    }
}

#[test]
fn shared_keys_have_defaults_on_both_kinds_of_org() {
    let simulated: SalesforceConfig = toml::from_str("org = \"simulated\"").unwrap();
    assert_eq!(simulated.contact_key_field(), DEFAULT_KEY_FIELD);
    assert_eq!(simulated.account_key_field(), DEFAULT_KEY_FIELD);
    assert_eq!(simulated.api(), &ApiSettings::default());
    let remote: SalesforceConfig = toml::from_str(
        r#"
            org = "remote"
            login_url = "https://acme.my.salesforce.com"
            contact_key_field = "Person_Key__c"
            [auth]
            flow = "client-credentials"
            client_id = "x"
            client_secret = "y"
            [api]
            reserve = 2500
            request_timeout_seconds = 30
            "#,
    )
    .unwrap();
    assert_eq!(remote.contact_key_field(), "Person_Key__c");
    assert_eq!(remote.account_key_field(), DEFAULT_KEY_FIELD);
    assert_eq!(remote.api().reserve, ApiReserve::Calls(2500));
    assert_eq!(remote.api().request_timeout_seconds, 30);
    assert!(remote.problems().is_empty());
}

#[test]
fn problems_name_the_key_to_fix() {
    let config: SalesforceConfig = toml::from_str(
        r#"
            org = "simulated"
            account_key_field = "Key"
            [api]
            connect_timeout_seconds = 0
            limits_poll_seconds = 100
            limits_poll_max_seconds = 10
            max_concurrent_calls = 0
            "#,
    )
    .unwrap();
    let keys: Vec<&str> = config.problems().iter().map(|(k, _)| *k).collect();
    let jwt: SalesforceConfig = toml::from_str(
        r#"
            org = "remote"
            login_url = "https://acme.my.salesforce.com"
            [auth]
            flow = "jwt-bearer"
            client_id = "x"
            username = "u"
            private_key = "k"
            audience = "login.salesforce.com"
            "#,
    )
    .unwrap();
    let jwt_keys: Vec<&str> = jwt.problems().iter().map(|(k, _)| *k).collect();
    assert_eq!(jwt_keys, ["salesforce.auth.audience"]);
    assert_eq!(
        keys,
        [
            "salesforce.account_key_field",
            "salesforce.api.connect_timeout_seconds",
            "salesforce.api.limits_poll_max_seconds",
            "salesforce.api.max_concurrent_calls"
        ]
    );
}

#[test]
fn an_unreadable_reserve_is_refused_when_the_config_loads() {
    let err = toml::from_str::<SalesforceConfig>("org = \"simulated\"\n[api]\nreserve = \"lots\"")
        .unwrap_err()
        .to_string();
    assert!(err.contains("lots"), "{err}");
}

#[test]
fn preflight_at_start_is_log_refuse_or_skip_and_logs_by_default() {
    let read =
        |table: &str| toml::from_str::<SalesforceConfig>(&format!("org = \"simulated\"\n{table}"));
    let config = read("").expect("no preflight table");
    assert_eq!(config.preflight().at_start, PreflightAtStart::Log);
    for (text, expected) in [
        ("log", PreflightAtStart::Log),
        ("refuse", PreflightAtStart::Refuse),
        ("skip", PreflightAtStart::Skip),
    ] {
        let config = read(&format!("[preflight]\nat_start = \"{text}\"")).expect(text);
        assert_eq!(config.preflight().at_start, expected);
    }
    for bad in [
        "[preflight]\nat_start = \"warn\"",
        "[preflight]\non_start = \"log\"",
    ] {
        assert!(read(bad).is_err(), "{bad:?} should be refused");
    }
}
