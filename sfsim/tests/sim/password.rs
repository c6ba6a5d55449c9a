//! The User password resource: reset mails a link, set does not, expiry follows both.

use reqwest::Method;
use serde_json::json;
use sfsim::org::EmailKind;

use crate::org_client::start;

#[tokio::test]
async fn reset_returns_a_temporary_password_and_mails_the_user() {
    let sim = start().await;
    let robin = sim.id_where("User", "Username", "robin.existing@contoso.example.sfsim");
    assert_eq!(
        sim.get(&format!("/sobjects/User/{robin}/password"))
            .await
            .body,
        json!({"isExpired": false})
    );

    let reset = sim
        .delete(&format!("/sobjects/User/{robin}/password"))
        .await;
    assert_eq!(reset.status, 200);
    assert!(
        reset.body["NewPassword"]
            .as_str()
            .is_some_and(|p| !p.is_empty())
    );
    let mails: Vec<(EmailKind, String)> = sim
        .org()
        .emails()
        .iter()
        .map(|e| (e.kind, e.to.clone()))
        .collect();
    assert_eq!(
        mails,
        [(
            EmailKind::PasswordReset,
            "robin.existing@contoso.example".to_owned()
        )]
    );
    assert_eq!(
        sim.get(&format!("/sobjects/User/{robin}/password"))
            .await
            .body,
        json!({"isExpired": true})
    );

    let set = sim
        .post(
            &format!("/sobjects/User/{robin}/password"),
            json!({"NewPassword": "s3cretPassw0rd"}),
        )
        .await;
    assert_eq!(set.status, 204);
    assert_eq!(
        sim.org().emails().len(),
        1,
        "setting a password sends nothing"
    );
    assert_eq!(
        sim.get(&format!("/sobjects/User/{robin}/password"))
            .await
            .body,
        json!({"isExpired": false})
    );
}

#[tokio::test]
async fn weak_passwords_and_wrong_methods_are_refused() {
    let sim = start().await;
    let robin = sim.id_where("User", "Username", "robin.existing@contoso.example.sfsim");
    let short = sim
        .post(
            &format!("/sobjects/User/{robin}/password"),
            json!({"NewPassword": "a1"}),
        )
        .await;
    short.assert_error(400, "INVALID_NEW_PASSWORD", &[]);
    let letters = sim
        .post(
            &format!("/sobjects/User/{robin}/password"),
            json!({"NewPassword": "onlyletters"}),
        )
        .await;
    letters.assert_error(400, "INVALID_NEW_PASSWORD", &[]);
    let put = sim
        .send(
            Method::PUT,
            &format!("/sobjects/User/{robin}/password"),
            Some("{}".into()),
        )
        .await;
    put.assert_error(405, "METHOD_NOT_ALLOWED", &[]);
    let unknown = sim
        .delete("/sobjects/User/0055g00000ZZZZZAA5/password")
        .await;
    unknown.assert_error(404, "NOT_FOUND", &[]);
}

/// The Composite resource takes "all sObject resources (`/services/data/vXX.X/sobjects/`)"
/// (Send Multiple Requests Using Composite, REST API Developer Guide), the User password
/// resource among them: resets in one composite each answer and mail as alone.
#[tokio::test]
async fn resets_as_composite_subrequests_each_answer_and_mail_as_alone() {
    let sim = start().await;
    let robin = sim.id_where("User", "Username", "robin.existing@contoso.example.sfsim");
    let owner = sim.id_where("User", "Username", "owner.partner@gatehouse.sfsim");
    let url = |id: &str| format!("/services/data/v68.0/sobjects/User/{id}/password");
    let request = json!({"compositeRequest": [
        {"method": "DELETE", "url": url(&robin), "referenceId": "reset_robin"},
        {"method": "DELETE", "url": url(&owner), "referenceId": "reset_owner"},
        {"method": "GET", "url": url(&robin), "referenceId": "expired_robin"},
    ]});
    let answer = sim.post("/composite", request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let responses = answer.body["compositeResponse"]
        .as_array()
        .expect("responses")
        .clone();
    assert_eq!(responses.len(), 3);
    for reset in &responses[..2] {
        assert_eq!(reset["httpStatusCode"], json!(200), "{reset}");
        assert!(
            reset["body"]["NewPassword"]
                .as_str()
                .is_some_and(|p| !p.is_empty())
        );
    }
    assert_eq!(responses[2]["body"], json!({"isExpired": true}));
    let mut mailed: Vec<(EmailKind, String)> = sim
        .org()
        .emails()
        .iter()
        .map(|e| (e.kind, e.to.clone()))
        .collect();
    mailed.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(mailed.len(), 2, "one reset email per user: {mailed:?}");
    assert!(
        mailed
            .iter()
            .all(|(kind, _)| *kind == EmailKind::PasswordReset)
    );
    let calls = sim.handle.sim.traffic.log.calls().by_endpoint;
    assert_eq!(calls.get("POST /composite"), Some(&1), "{calls:?}");
    assert_eq!(
        calls.len(),
        2,
        "only the token and the composite: {calls:?}"
    );
}
