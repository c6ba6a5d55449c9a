//! The identity provider's bearer tokens: a good token opens the routes its groups map to and
//! names the operator by their email; a bad signature, an expired token, another issuer or
//! audience are refused; an unknown key id is refused until the provider's rotated JWKS is read,
//! which an unknown key id asks for at most every 30 seconds.

use chrono::TimeDelta;
use serde_json::{Value, json};

use super::idp::{AUDIENCE, Idp, Key};
use crate::admin::app::{AdminApp, spawn_on};
use crate::support::{TestApp, problem};

const GROUPS: &str =
    "groups = { \"gatehouse-operators\" = \"operator\", \"gatehouse-approvers\" = \"approver\" }";

async fn start(idp: &Idp) -> AdminApp {
    spawn_on(TestApp::builder().admin(&idp.config(GROUPS))).await
}

/// Claims of Ada, an operator, valid for five minutes from the service's clock.
fn ada(app: &AdminApp, idp: &Idp) -> Value {
    let now = app.clock_now().timestamp();
    json!({
        "iss": idp.issuer(), "aud": AUDIENCE, "sub": "00u-ada",
        "email": "ada@example.com", "iat": now, "exp": now + 300,
        "groups": ["staff", "gatehouse-operators"],
    })
}

/// `GET /v1/subjects` with the token; the status and the problem's reason, if refused.
async fn read_with(app: &AdminApp, token: &str) -> (u16, Value) {
    let response = app
        .admin_as(token, reqwest::Method::GET, "/v1/subjects")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    if status == 200 {
        return (status, Value::Null);
    }
    (status, problem(response).await["reason"].clone())
}

#[tokio::test]
async fn a_good_token_names_the_operator_by_their_email_with_the_role_of_their_group() {
    let (ec, rsa) = (Key::ec("ec-1"), Key::rsa());
    let idp = Idp::start(&[&ec, &rsa]).await;
    let app = start(&idp).await;
    for key in [&ec, &rsa] {
        assert_eq!(
            read_with(&app, &key.sign(&ada(&app, &idp))).await.0,
            200,
            "{}",
            key.kid
        );
    }
    let response = app
        .admin_as(
            &ec.sign(&ada(&app, &idp)),
            reqwest::Method::POST,
            "/v1/subjects/partner-portal:u-1/deprovision",
        )
        .json(&json!({"mode": "freeze", "trigger": "incident"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let queued: Value = response.json().await.unwrap();
    let path = format!("/v1/commands/{}", queued["command_id"].as_str().unwrap());
    let read = app.admin_as(&rsa.sign(&ada(&app, &idp)), reqwest::Method::GET, &path);
    let record: Value = read.send().await.unwrap().json().await.unwrap();
    assert_eq!(record["origin"]["actor"], "ada@example.com", "{record}");

    // Her groups grant operator, not approver.
    let refused = app
        .admin_as(
            &ec.sign(&ada(&app, &idp)),
            reqwest::Method::POST,
            "/v1/held/approve?all=true",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let body = problem(refused).await;
    assert_eq!(
        (body["role_needed"].as_str(), body["roles_held"].as_str()),
        (Some("approver"), Some("operator"))
    );

    // Someone in none of the mapped groups is who they are, with no role.
    let mut guest = ada(&app, &idp);
    guest["groups"] = json!(["staff"]);
    let (status, reason) = read_with(&app, &ec.sign(&guest)).await;
    assert_eq!((status, reason.as_str()), (403, Some("role_needed")));
    app.stop().await;
}

#[tokio::test]
async fn a_bad_signature_an_expired_token_and_another_issuer_or_audience_are_refused() {
    let (ec, rsa) = (Key::ec("ec-1"), Key::rsa());
    let idp = Idp::start(&[&ec, &rsa]).await;
    let app = start(&idp).await;
    let good = ec.sign(&ada(&app, &idp));
    assert_eq!(read_with(&app, &good).await.0, 200);

    let impostor = Key::ec("ec-1");
    let forged = impostor.sign(&ada(&app, &idp));
    assert_eq!(
        read_with(&app, &forged).await,
        (401, json!("bad_token_signature"))
    );
    let mut tampered = ada(&app, &idp);
    tampered["groups"] = json!(["gatehouse-approvers"]);
    let tampered_token = {
        let signed = ec.sign(&tampered);
        let parts: Vec<&str> = signed.split('.').collect();
        let original: Vec<&str> = good.split('.').collect();
        format!("{}.{}.{}", parts[0], parts[1], original[2])
    };
    assert_eq!(
        read_with(&app, &tampered_token).await,
        (401, json!("bad_token_signature"))
    );

    let mut expired = ada(&app, &idp);
    let now = app.clock_now().timestamp();
    expired["exp"] = json!(now - 120);
    assert_eq!(
        read_with(&app, &ec.sign(&expired)).await,
        (401, json!("expired_token"))
    );
    app.clock.advance(TimeDelta::seconds(300 + 61));
    assert_eq!(
        read_with(&app, &good).await,
        (401, json!("expired_token")),
        "past the leeway"
    );

    for (claim, value) in [
        ("iss", "https://idp.example.com/realms/ops"),
        ("aud", "another-app"),
    ] {
        let mut other = ada(&app, &idp);
        other[claim] = json!(value);
        assert_eq!(
            read_with(&app, &ec.sign(&other)).await,
            (401, json!("wrong_token_issuer")),
            "{claim}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_when_a_token_names_it_at_most_every_thirty_seconds() {
    let (old, new) = (Key::ec("ec-1"), Key::ec("ec-2"));
    let idp = Idp::start(&[&old]).await;
    let app = start(&idp).await;
    assert_eq!(read_with(&app, &old.sign(&ada(&app, &idp))).await.0, 200);
    assert_eq!(idp.fetches(), 1, "read once, at the first token");

    let unknown = new.sign(&ada(&app, &idp));
    assert_eq!(
        read_with(&app, &unknown).await,
        (401, json!("bad_token_signature"))
    );
    idp.rotate(&[&old, &new]);
    assert_eq!(
        read_with(&app, &unknown).await.0,
        401,
        "the keys were read too recently"
    );
    assert_eq!(
        idp.fetches(),
        1,
        "an unknown key id does not hammer the provider"
    );

    app.clock.advance(TimeDelta::seconds(30));
    let rotated = new.sign(&ada(&app, &idp));
    assert_eq!(
        read_with(&app, &rotated).await.0,
        200,
        "the rotated JWKS was read"
    );
    assert_eq!(idp.fetches(), 2);
    assert_eq!(
        read_with(&app, &old.sign(&ada(&app, &idp))).await.0,
        200,
        "the old key still verifies"
    );
    assert_eq!(idp.fetches(), 2, "known keys need no read");
    app.stop().await;
}
