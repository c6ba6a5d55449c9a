//! `[admin] listen`: the admin API on an address of its own, and not on the public listener.

use crate::admin::app::{OPERATORS, TOKEN, spawn_on};
use crate::support::TestApp;

#[tokio::test]
async fn the_admin_api_answers_only_on_its_own_listener() {
    let admin = format!("listen = \"127.0.0.1:0\"\n{OPERATORS}");
    let app = spawn_on(TestApp::builder().admin_token(TOKEN).admin(&admin)).await;
    let admin_base = app.admin_base.clone().expect("an admin listener");
    assert_ne!(admin_base, app.base);

    let own = app
        .client
        .get(format!("{admin_base}/v1/subjects"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    let public = app
        .client
        .get(format!("{}/v1/subjects", app.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(
        public.status(),
        404,
        "the public listener does not serve the admin API"
    );
    let health = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "the public listener serves the rest");
    let webhook = app
        .client
        .post(format!("{admin_base}/v1/webhooks/partner-portal"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        webhook.status(),
        404,
        "the admin listener serves no webhooks"
    );
    app.stop().await;
}
