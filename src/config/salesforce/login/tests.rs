use super::*;
use crate::config::SecretRef;

fn jwt(audience: Option<&str>) -> SalesforceAuth {
    SalesforceAuth::JwtBearer {
        client_id: "x".into(),
        username: "u".into(),
        private_key: SecretRef::Inline(secrecy::SecretString::from("k")),
        audience: audience.map(str::to_owned),
    }
}

fn client_credentials() -> SalesforceAuth {
    SalesforceAuth::ClientCredentials {
        client_id: "x".into(),
        client_secret: SecretRef::Inline(secrecy::SecretString::from("s")),
    }
}

#[test]
fn production_and_my_domain_hosts_default_to_the_production_audience() {
    for login_url in [
        "https://login.salesforce.com",
        "https://acme.my.salesforce.com",
        "https://ACME.my.salesforce.com/",
        "http://127.0.0.1:8787",
    ] {
        assert_eq!(
            default_jwt_audience(login_url),
            PRODUCTION_LOGIN,
            "{login_url}"
        );
    }
}

#[test]
fn sandbox_hosts_default_to_the_sandbox_audience() {
    for login_url in [
        "https://test.salesforce.com",
        "https://acme--uat.sandbox.my.salesforce.com",
    ] {
        assert_eq!(
            default_jwt_audience(login_url),
            SANDBOX_LOGIN,
            "{login_url}"
        );
    }
}

#[test]
fn hosts_are_told_apart() {
    assert_eq!(
        LoginHost::of("https://login.salesforce.com"),
        LoginHost::Production
    );
    assert_eq!(
        LoginHost::of("https://test.salesforce.com"),
        LoginHost::Sandbox
    );
    assert_eq!(
        LoginHost::of("https://acme.my.salesforce.com"),
        LoginHost::MyDomain
    );
    assert_eq!(
        LoginHost::of("https://acme--uat.sandbox.my.salesforce.com"),
        LoginHost::SandboxMyDomain
    );
    assert_eq!(
        LoginHost::of("https://my.salesforce.com.example"),
        LoginHost::Other
    );
    assert_eq!(LoginHost::of("not a url"), LoginHost::Other);
}

#[test]
fn a_my_domain_audience_is_refused_with_the_audiences_salesforce_accepts() {
    let problems = auth_problems(
        "https://acme.my.salesforce.com",
        &jwt(Some("https://acme.my.salesforce.com")),
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "salesforce.auth.audience");
    assert!(
        problems[0].1.contains(PRODUCTION_LOGIN),
        "{}",
        problems[0].1
    );
}

#[test]
fn login_and_site_audiences_pass() {
    for audience in [
        PRODUCTION_LOGIN,
        SANDBOX_LOGIN,
        "https://acme.my.site.com/partners",
    ] {
        let problems = auth_problems("https://acme.my.salesforce.com", &jwt(Some(audience)));
        assert!(problems.is_empty(), "{audience}: {problems:?}");
    }
    assert!(auth_problems("https://acme.my.salesforce.com", &jwt(None)).is_empty());
}

#[test]
fn client_credentials_through_a_shared_login_host_are_sent_to_my_domain() {
    for login_url in [
        "https://login.salesforce.com",
        "https://test.salesforce.com/",
    ] {
        let problems = auth_problems(login_url, &client_credentials());
        assert_eq!(problems.len(), 1, "{login_url}: {problems:?}");
        assert_eq!(problems[0].0, "salesforce.login_url");
        assert!(problems[0].1.contains("My Domain"), "{}", problems[0].1);
    }
    for login_url in [
        "https://acme.my.salesforce.com",
        "https://acme--uat.sandbox.my.salesforce.com",
        "http://127.0.0.1:8787",
    ] {
        assert!(
            auth_problems(login_url, &client_credentials()).is_empty(),
            "{login_url}"
        );
    }
}
