//! The identity service behind a token's `id` URL, and the version root that points at it.

use reqwest::StatusCode;
use serde_json::{Map, Value, json};

use crate::support::{self, Answer, TestOrg};

/// A GET on an absolute URL, with a bearer token when given.
async fn get(org: &TestOrg, url: &str, token: Option<&str>) -> Answer {
    let mut request = org.http.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    Answer::read(request.send().await.expect("identity answers")).await
}

/// A token answer's access token and identity URL, for the integration user.
async fn token_and_id(org: &TestOrg) -> (String, String) {
    let answer = org.integration_credentials().await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let text = |name: &str| answer.body[name].as_str().expect(name).to_owned();
    (text("access_token"), text("id"))
}

/// `{base}/id/{orgId}` of an identity URL, to name other users of the org.
fn org_url(id_url: &str) -> String {
    id_url
        .rsplit_once('/')
        .map(|(org, _)| org.to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_id_url_of_a_token_answers_who_the_token_acts_for() {
    let org = support::start().await;
    let (token, id_url) = token_and_id(&org).await;
    let answer = get(&org, &id_url, Some(&token)).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let integration = org.user_id("integration@gatehouse.sfsim");
    let body = &answer.body;
    assert_eq!(body["id"], json!(id_url));
    assert_eq!(body["user_id"], json!(integration));
    assert_eq!(body["username"], json!("integration@gatehouse.sfsim"));
    assert_eq!(body["display_name"], json!("Gatehouse Integration"));
    assert_eq!(body["asserted_user"], json!(true));
    assert_eq!(body["active"], json!(true));
    assert_eq!(body["user_type"], json!("STANDARD"));
    assert_eq!(
        body["organization_id"],
        json!(org.sim().org.lock().org_id())
    );
    // Without a version the API URLs keep Salesforce's placeholder; `latest` fills it in.
    let rest = body["urls"]["rest"].as_str().unwrap_or_default();
    assert!(rest.ends_with("/services/data/v{version}/"), "{rest}");
    let latest = get(&org, &format!("{id_url}?version=latest"), Some(&token)).await;
    let rest = latest.body["urls"]["rest"].as_str().unwrap_or_default();
    assert_eq!(rest, org.data_url("/"));
}

#[tokio::test]
async fn the_token_may_come_as_oauth_token_and_other_users_of_the_org_are_readable() {
    let org = support::start().await;
    let (token, id_url) = token_and_id(&org).await;
    let by_parameter = get(
        &org,
        &format!("{id_url}?format=json&oauth_token={token}"),
        None,
    )
    .await;
    assert_eq!(
        by_parameter.status,
        StatusCode::OK,
        "{:?}",
        by_parameter.body
    );
    assert_eq!(by_parameter.body["asserted_user"], json!(true));

    let robin = org.user_id("robin.existing@contoso.example.sfsim");
    let org_part = org_url(&id_url);
    let other = get(&org, &format!("{org_part}/{robin}"), Some(&token)).await;
    assert_eq!(other.status, StatusCode::OK, "{:?}", other.body);
    assert_eq!(other.body["asserted_user"], json!(false));
    assert_eq!(other.body["user_type"], json!("POWER_CUSTOMER_SUCCESS"));
    assert_eq!(other.body["nick_name"], json!("robin.existing"));
}

#[tokio::test]
async fn refusals_are_one_plain_word_with_the_status_salesforce_gives() {
    let org = support::start().await;
    let (token, id_url) = token_and_id(&org).await;
    let org_part = org_url(&id_url);
    let refused = |answer: Answer, status: u16, word: &str| {
        assert_eq!(answer.status.as_u16(), status, "{word}: {:?}", answer.body);
        assert_eq!(answer.body, json!(word));
    };
    refused(get(&org, &id_url, None).await, 403, "Missing_OAuth_Token");
    refused(
        get(&org, &id_url, Some("00Dnot!atoken")).await,
        403,
        "Bad_OAuth_Token",
    );
    let other_org = id_url.replace("/id/00D", "/id/00E");
    refused(get(&org, &other_org, Some(&token)).await, 403, "Wrong_Org");
    let nobody = format!("{org_part}/005000000000000AAA");
    refused(get(&org, &nobody, Some(&token)).await, 404, "Bad_Id");
    refused(
        get(&org, &format!("{id_url}?format=xml"), Some(&token)).await,
        406,
        "Unsupported_Format",
    );

    let robin = org.user_id("robin.existing@contoso.example.sfsim");
    let mut deactivate = Map::new();
    deactivate.insert("IsActive".into(), Value::Bool(false));
    org.sim()
        .org
        .lock()
        .update("User", &robin, &deactivate)
        .expect("deactivated");
    let inactive = format!("{org_part}/{robin}");
    refused(get(&org, &inactive, Some(&token)).await, 404, "Inactive");

    let revoke = org
        .http
        .post(org.url("/services/oauth2/revoke"))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .expect("revoke answers");
    assert_eq!(revoke.status(), StatusCode::OK);
    refused(
        get(&org, &id_url, Some(&token)).await,
        403,
        "Bad_OAuth_Token",
    );
}

#[tokio::test]
async fn the_version_root_lists_its_resources_and_the_callers_identity_url() {
    let org = support::start().await;
    let (token, id_url) = token_and_id(&org).await;
    let client = org.client_with(token);
    for path in ["", "/"] {
        let answer = client.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path:?}: {:?}", answer.body);
        assert_eq!(answer.body["identity"], json!(id_url));
        assert_eq!(
            answer.body["sobjects"],
            json!("/services/data/v68.0/sobjects")
        );
        assert_eq!(answer.body["query"], json!("/services/data/v68.0/query"));
        assert!(answer.limit_info().is_some(), "a counted data call");
    }
    let anonymous = org.client_with(String::new());
    assert_eq!(
        anonymous.get("").await.error_code(),
        Some("INVALID_SESSION_ID")
    );
}

#[tokio::test]
async fn a_token_in_the_query_string_never_reaches_the_request_log() {
    let org = support::start().await;
    let (token, id_url) = token_and_id(&org).await;
    let answer = get(
        &org,
        &format!("{id_url}?format=json&oauth_token={token}"),
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let log = org.control(reqwest::Method::GET, "/requests", None).await;
    let text = log.body.to_string();
    assert!(!text.contains(&token), "the log holds the token: {text}");
    let logged = log.body.as_array().and_then(|entries| entries.last());
    let path = logged.and_then(|e| e["path"].as_str()).unwrap_or_default();
    assert!(
        path.ends_with("?format=json&oauth_token=[redacted]"),
        "{path}"
    );
}
