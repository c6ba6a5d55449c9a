//! The run-as user's permissions, checked on every call: what a real org refuses without them,
//! and what it shows of them (PermissionSet flags, ObjectPermissions, FieldPermissions).

use reqwest::StatusCode;
use serde_json::{Value, json};
use sfsim::{FixtureSource, SimConfig};

use crate::support::{self, Answer, ApiClient, TestOrg};

/// An org whose app runs as a user holding API Enabled, read, create and edit on Contact with
/// its key field readable but not editable, read on Account without its key field, and nothing
/// else (no View Setup, no Manage Users, no Manage External Users).
const NARROW: &str = r#"
[org]
integration_user = "narrow@access.sfsim"

[[licences]]
name = "Salesforce"
definition_key = "SFDC"
user_type = "Standard"
total = 5

[[profiles]]
name = "Minimum Access - Salesforce"
licence = "Salesforce"

[[profiles]]
name = "No API"
licence = "Salesforce"

[[roles]]
name = "CEO"

[[permission_sets]]
name = "Narrow"
label = "Narrow"
user_permissions = ["ApiEnabled"]
object_permissions = [
    { object = "Contact", read = true, create = true, edit = true },
    { object = "Account", read = true },
]
field_permissions = [{ field = "Contact.Gatehouse_Key__c", read = true }]

[[users]]
username = "narrow@access.sfsim"
last_name = "Narrow"
email = "narrow@access.sfsim"
alias = "narrow"
profile = "Minimum Access - Salesforce"
role = "CEO"
permission_sets = ["Narrow"]

[[users]]
username = "noapi@access.sfsim"
last_name = "NoApi"
email = "noapi@access.sfsim"
alias = "noapi"
profile = "No API"

[[accounts]]
name = "Acme"
owner = "narrow@access.sfsim"
key = "A-1"

[[contacts]]
last_name = "Doe"
account = "A-1"
key = "K-1"

[[connected_apps]]
name = "Narrow"
client_id = "narrow"
client_secret = "narrow-secret"
run_as = "narrow@access.sfsim"

[[connected_apps]]
name = "No API"
client_id = "noapi"
client_secret = "noapi-secret"
run_as = "noapi@access.sfsim"
"#;

async fn start_narrow() -> TestOrg {
    support::start_with(SimConfig {
        fixture: Some(FixtureSource::Toml {
            text: NARROW.to_owned(),
            base_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        }),
        ..SimConfig::default()
    })
    .await
}

/// A client of the app `client_id` (its secret is `{client_id}-secret`).
async fn client_of(org: &TestOrg, client_id: &str) -> ApiClient {
    let secret = format!("{client_id}-secret");
    let answer = org
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", &secret),
        ])
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    org.client_with(
        answer.body["access_token"]
            .as_str()
            .expect("token")
            .to_owned(),
    )
}

/// Unassigns Gatehouse_Integration_Freeze from the default org's integration user, as an
/// admin would whose rules never freeze.
fn drop_freeze_set(org: &TestOrg) {
    let user = org.user_id("integration@gatehouse.sfsim");
    let mut state = org.sim().org.lock();
    let freeze = state
        .records_of("PermissionSet")
        .find(|s| s.get("Name") == Some(&json!("Gatehouse_Integration_Freeze")))
        .map(|s| s.id.clone())
        .expect("the freeze set");
    let assignment = state
        .records_of("PermissionSetAssignment")
        .find(|a| {
            a.get("AssigneeId") == Some(&json!(user))
                && a.get("PermissionSetId") == Some(&json!(freeze))
        })
        .map(|a| a.id.clone())
        .expect("the integration user holds the freeze set");
    state
        .delete("PermissionSetAssignment", &assignment)
        .expect("assignment deleted");
}

fn query_path(soql: &str) -> String {
    format!("/query?q={}", soql.replace(' ', "+").replace('\'', "%27"))
}

fn assert_refused(answer: &Answer, status: u16, code: &str, message: &str) {
    assert_eq!(answer.status.as_u16(), status, "{:?}", answer.body);
    assert_eq!(answer.error_code(), Some(code), "{:?}", answer.body);
    let text = answer.body[0]["message"].as_str().unwrap_or_default();
    assert!(text.contains(message), "{text}");
}

#[tokio::test]
async fn a_user_without_api_enabled_is_refused_every_data_call() {
    let org = start_narrow().await;
    let client = client_of(&org, "noapi").await;
    let answer = client.get(&query_path("SELECT Id FROM User")).await;
    assert_refused(
        &answer,
        403,
        "API_CURRENTLY_DISABLED",
        "API is disabled for this User",
    );
    let limits = client.get("/limits").await;
    assert_refused(
        &limits,
        403,
        "API_CURRENTLY_DISABLED",
        "API is disabled for this User",
    );
}

#[tokio::test]
async fn objects_the_user_cannot_read_are_not_supported_in_soql() {
    let org = start_narrow().await;
    let client = client_of(&org, "narrow").await;
    for object in [
        "UserLogin",
        "UserRole",
        "ObjectPermissions",
        "FieldPermissions",
    ] {
        let answer = client
            .get(&query_path(&format!("SELECT Id FROM {object}")))
            .await;
        assert_refused(
            &answer,
            400,
            "INVALID_TYPE",
            &format!("sObject type '{object}' is not supported"),
        );
    }
    let contacts = client
        .get(&query_path("SELECT Id, Gatehouse_Key__c FROM Contact"))
        .await;
    assert_eq!(contacts.status, StatusCode::OK, "{:?}", contacts.body);
    assert_eq!(contacts.body["totalSize"], json!(1));
}

#[tokio::test]
async fn a_field_the_user_cannot_see_is_no_such_column_in_where_and_through_relationships() {
    let org = start_narrow().await;
    let client = client_of(&org, "narrow").await;
    let through_account = client
        .get(&query_path(
            "SELECT Id FROM Contact WHERE Account.Gatehouse_Key__c = 'A-1'",
        ))
        .await;
    assert_refused(
        &through_account,
        400,
        "INVALID_FIELD",
        "No such column 'Gatehouse_Key__c' on entity 'Account'",
    );
    let selected = client
        .get(&query_path("SELECT Gatehouse_Key__c FROM Account"))
        .await;
    assert_refused(&selected, 400, "INVALID_FIELD", "No such column");
    let by_key = client.get("/sobjects/Account/Gatehouse_Key__c/A-1").await;
    assert_refused(
        &by_key,
        404,
        "NOT_FOUND",
        "not accessible: Gatehouse_Key__c",
    );
}

#[tokio::test]
async fn writes_without_the_object_or_field_permission_are_refused() {
    let org = start_narrow().await;
    let client = client_of(&org, "narrow").await;
    let account = client
        .post("/sobjects/Account", json!({"Name": "Globex"}))
        .await;
    assert_refused(
        &account,
        400,
        "INSUFFICIENT_ACCESS_OR_READONLY",
        "insufficient access rights",
    );
    let upsert = client
        .patch(
            "/sobjects/Contact/Gatehouse_Key__c/K-2",
            json!({"LastName": "Roe"}),
        )
        .await;
    assert_refused(
        &upsert,
        400,
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        "Unable to create/update fields: Gatehouse_Key__c",
    );
    let plain = client
        .post("/sobjects/Contact", json!({"LastName": "Roe"}))
        .await;
    assert_eq!(plain.status, StatusCode::CREATED, "{:?}", plain.body);
    let user = client
        .post(
            "/sobjects/User",
            json!({"Username": "x@access.sfsim", "LastName": "X"}),
        )
        .await;
    assert_refused(
        &user,
        400,
        "INSUFFICIENT_ACCESS_OR_READONLY",
        "insufficient access rights",
    );
}

#[tokio::test]
async fn limits_need_view_setup() {
    let org = start_narrow().await;
    let client = client_of(&org, "narrow").await;
    let answer = client.get("/limits").await;
    assert_refused(
        &answer,
        403,
        "INSUFFICIENT_ACCESS",
        "insufficient access rights",
    );
}

#[tokio::test]
async fn a_composite_subrequest_is_refused_as_the_same_call_alone() {
    let org = start_narrow().await;
    let client = client_of(&org, "narrow").await;
    let answer = client
        .post(
            "/composite",
            json!({"allOrNone": false, "compositeRequest": [{
                "method": "GET", "referenceId": "logins",
                "url": format!("{}/query?q=SELECT+Id+FROM+UserLogin", support::data_prefix()),
            }]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let sub = &answer.body["compositeResponse"][0];
    assert_eq!(sub["httpStatusCode"], json!(400));
    assert_eq!(sub["body"][0]["errorCode"], json!("INVALID_TYPE"));
}

#[tokio::test]
async fn the_default_integration_user_reads_user_login_only_through_the_freeze_set() {
    let org = support::start().await;
    let client = org.integration_client().await;
    let logins = client
        .get(&query_path("SELECT Id, IsFrozen FROM UserLogin"))
        .await;
    assert_eq!(logins.status, StatusCode::OK, "{:?}", logins.body);

    drop_freeze_set(&org);
    let refused = client
        .get(&query_path("SELECT Id, IsFrozen FROM UserLogin"))
        .await;
    assert_refused(
        &refused,
        400,
        "INVALID_TYPE",
        "sObject type 'UserLogin' is not supported",
    );
}

#[tokio::test]
async fn what_a_user_holds_is_readable_as_salesforce_shows_it() {
    let org = support::start().await;
    let client = org.integration_client().await;
    let user = org.user_id("integration@gatehouse.sfsim");
    let sets = client
        .get(&query_path(&format!(
            "SELECT PermissionSetId, PermissionSet.Name, PermissionSet.IsOwnedByProfile, \
             PermissionSet.PermissionsManageUsers FROM PermissionSetAssignment \
             WHERE AssigneeId = '{user}'"
        )))
        .await;
    assert_eq!(sets.status, StatusCode::OK, "{:?}", sets.body);
    let records = sets.body["records"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = records
        .iter()
        .filter_map(|r| r["PermissionSet"]["Name"].as_str())
        .collect();
    assert_eq!(records.len(), 3, "{names:?}");
    assert!(names.contains(&"Gatehouse_Integration"));
    assert!(names.contains(&"Gatehouse_Integration_Freeze"));
    let owned: Vec<&Value> = records
        .iter()
        .filter(|r| r["PermissionSet"]["IsOwnedByProfile"] == json!(true))
        .collect();
    assert_eq!(owned.len(), 1, "one profile-owned set: {records:?}");
    assert_eq!(
        owned[0]["PermissionSet"]["PermissionsManageUsers"],
        json!(false)
    );

    let objects = client
        .get(&query_path(
            "SELECT SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit \
             FROM ObjectPermissions WHERE Parent.Name = 'Gatehouse_Integration'",
        ))
        .await;
    assert_eq!(objects.status, StatusCode::OK, "{:?}", objects.body);
    assert_eq!(objects.body["totalSize"], json!(2));
    let fields = client
        .get(&query_path(
            "SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions \
             WHERE Field = 'Contact.Gatehouse_Key__c'",
        ))
        .await;
    assert_eq!(
        fields.body["records"][0]["PermissionsEdit"],
        json!(true),
        "{:?}",
        fields.body
    );
}

#[tokio::test]
async fn a_collection_refuses_each_record_the_user_may_not_write_on_its_own() {
    let org = start_narrow().await;
    let client = client_of(&org, "narrow").await;
    let answer = client
        .post(
            "/composite/sobjects",
            json!({"allOrNone": false, "records": [
                {"attributes": {"type": "Account"}, "Name": "Globex"},
                {"attributes": {"type": "Contact"}, "LastName": "Roe"},
            ]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let results = answer.body.as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0]["success"], json!(false));
    assert_eq!(
        results[0]["errors"][0]["statusCode"],
        json!("INSUFFICIENT_ACCESS_OR_READONLY")
    );
    assert_eq!(results[1]["success"], json!(true), "{results:?}");
}

/// The id of the default org's record of `object` whose `field` is `value`.
fn id_where(org: &TestOrg, object: &str, field: &str, value: &str) -> String {
    org.sim()
        .org
        .lock()
        .records_of(object)
        .find(|r| r.get(field) == Some(&json!(value)))
        .map(|r| r.id.clone())
        .expect("the record exists")
}

/// A new user's fields for the default org.
fn new_user(username: &str, profile: String, contact: Option<String>) -> Value {
    let mut body = json!({
        "Username": username, "LastName": "Nouser", "Email": "sam.nouser@northwind.example",
        "Alias": "snouser", "ProfileId": profile, "TimeZoneSidKey": "Europe/London",
        "LocaleSidKey": "en_GB", "LanguageLocaleKey": "en_US", "EmailEncodingKey": "UTF-8",
    });
    if let Some(contact) = contact {
        body["ContactId"] = json!(contact);
    }
    body
}

#[tokio::test]
async fn manage_external_users_creates_external_users_but_not_internal_ones() {
    let org = support::start().await;
    drop_freeze_set(&org);
    let client = org.integration_client().await;
    let standard = id_where(&org, "Profile", "Name", "Standard User");
    let internal = client
        .post(
            "/sobjects/User",
            new_user("staff@northwind.example", standard, None),
        )
        .await;
    assert_refused(
        &internal,
        400,
        "INSUFFICIENT_ACCESS_OR_READONLY",
        "insufficient access rights",
    );
    let partner = id_where(&org, "Profile", "Name", "Partner Community User");
    let contact = id_where(&org, "Contact", "Gatehouse_Key__c", "K-101");
    let external = client
        .post(
            "/sobjects/User",
            new_user("sam.nouser@northwind.example.acme", partner, Some(contact)),
        )
        .await;
    assert_eq!(external.status, StatusCode::CREATED, "{:?}", external.body);
}

#[tokio::test]
async fn describe_shows_only_the_objects_and_fields_the_user_may_read() {
    let org = start_narrow().await;
    let client = client_of(&org, "narrow").await;
    let account = client.get("/sobjects/Account/describe").await;
    assert_eq!(account.status, StatusCode::OK, "{:?}", account.body);
    let fields: Vec<&str> = account.body["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(fields.contains(&"Name"), "{fields:?}");
    assert!(!fields.contains(&"Gatehouse_Key__c"), "{fields:?}");
    let global = client.get("/sobjects").await;
    let objects: Vec<&str> = global.body["sobjects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert!(objects.contains(&"Contact"), "{objects:?}");
    assert!(!objects.contains(&"UserLogin"), "{objects:?}");
    let login = client.get("/sobjects/UserLogin/describe").await;
    assert_eq!(login.status, StatusCode::NOT_FOUND, "{:?}", login.body);
}
