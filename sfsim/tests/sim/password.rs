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
