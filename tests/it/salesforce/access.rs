//! The preflight's check of the run-as user against sfsim: the default org's integration user
//! holds what the table needs; one without the freeze set lacks Manage Users only where rules
//! freeze; one without View Roles is told which set grants it.

use gatehouse::salesforce::SalesforceClient;
use gatehouse::salesforce::access::{
    FREEZE_SET, INTEGRATION_SET, KeyFieldNames, Uses, check_run_as_user,
};
use serde_json::json;
use sfsim::{FixtureSource, SimConfig, SimHandle, SimServer};

use super::{INTEGRATION_USER, KEY, client, start_org};

const DEFAULT_FIXTURE: &str = include_str!("../../../sfsim/fixtures/default.toml");

const EVERYTHING: Uses = Uses {
    freezes: true,
    assigns_permission_sets: true,
    password_reset_welcome: true,
};

fn keys() -> KeyFieldNames {
    KeyFieldNames {
        contact: KEY.to_owned(),
        account: KEY.to_owned(),
    }
}

async fn run_as_user(client: &SalesforceClient) -> String {
    client
        .identity()
        .await
        .expect("identity")
        .user_id
        .expect("the token names its user")
}

/// The missing permissions the check reports, as text.
async fn missing(org: &SimHandle, uses: Uses) -> Vec<String> {
    let client = client(org);
    let user = run_as_user(&client).await;
    check_run_as_user(&client, &user, uses, &keys())
        .await
        .expect("the grants are readable")
        .into_iter()
        .map(|f| {
            assert!(!f.needed_for.is_empty() && !f.fix.is_empty(), "{f}");
            f.missing
        })
        .collect()
}

#[tokio::test]
async fn the_default_integration_user_holds_everything_the_table_needs() {
    let org = start_org().await;
    assert_eq!(missing(&org, EVERYTHING).await, Vec::<String>::new());
}

#[tokio::test]
async fn without_the_freeze_set_manage_users_is_missing_only_when_rules_freeze() {
    let org = start_org().await;
    {
        let mut state = org.sim.org.lock();
        let user = state
            .user_by_username(INTEGRATION_USER)
            .map(|u| u.id.clone())
            .expect("integration user");
        let freeze = state
            .records_of("PermissionSet")
            .find(|s| s.get("Name") == Some(&json!(FREEZE_SET)))
            .map(|s| s.id.clone())
            .expect("the freeze set");
        let assignment = state
            .records_of("PermissionSetAssignment")
            .find(|a| {
                a.get("AssigneeId") == Some(&json!(user))
                    && a.get("PermissionSetId") == Some(&json!(freeze))
            })
            .map(|a| a.id.clone())
            .expect("assigned");
        state
            .delete("PermissionSetAssignment", &assignment)
            .expect("unassigned");
    }
    assert_eq!(
        missing(&org, EVERYTHING).await,
        vec!["user permission ManageUsers".to_owned()]
    );
    let no_freezing = Uses {
        freezes: false,
        ..EVERYTHING
    };
    assert_eq!(missing(&org, no_freezing).await, Vec::<String>::new());
}

/// The default org, its integration user holding instead of the shipped sets a copy of
/// Gatehouse_Integration with only `user_permissions`.
async fn start_with_integration_permissions(user_permissions: &str) -> SimHandle {
    let fixture = DEFAULT_FIXTURE.replace(
        r#"permission_sets = ["Gatehouse_Integration", "Gatehouse_Integration_Freeze"]"#,
        r#"permission_sets = ["Integration_Copy"]"#,
    ) + &format!(
        r#"
[[permission_sets]]
name = "Integration_Copy"
label = "Integration Copy"
user_permissions = {user_permissions}
object_permissions = [
    {{ object = "Account", read = true }},
    {{ object = "Contact", read = true, create = true, edit = true }},
]
field_permissions = [
    {{ field = "Account.Gatehouse_Key__c", read = true }},
    {{ field = "Contact.Gatehouse_Key__c", read = true, edit = true }},
]
"#
    );
    SimServer::start(SimConfig {
        fixture: Some(FixtureSource::Toml {
            text: fixture,
            base_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sfsim/fixtures"),
        }),
        ..SimConfig::default()
    })
    .await
    .expect("org starts")
}

#[tokio::test]
async fn without_view_roles_the_finding_names_the_integration_set() {
    let org = start_with_integration_permissions(
        r#"["ApiEnabled", "AssignPermissionSets", "ManagePartners", "ViewSetup"]"#,
    )
    .await;
    let client = client(&org);
    let user = run_as_user(&client).await;
    let findings = check_run_as_user(&client, &user, Uses::default(), &keys())
        .await
        .expect("the grants are readable");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].missing, "user permission ViewRoles");
    assert!(
        findings[0].needed_for.starts_with("UserRole read"),
        "{}",
        findings[0]
    );
    assert!(findings[0].fix.contains(INTEGRATION_SET), "{}", findings[0]);
}

#[tokio::test]
async fn without_view_setup_the_object_permissions_are_unreadable_and_view_setup_is_the_finding() {
    let org = start_with_integration_permissions(
        r#"["ApiEnabled", "AssignPermissionSets", "ManagePartners", "ViewRoles"]"#,
    )
    .await;
    assert_eq!(
        missing(&org, Uses::default()).await,
        vec!["user permission ViewSetup".to_owned()]
    );
}
