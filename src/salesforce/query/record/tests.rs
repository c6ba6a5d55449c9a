use super::*;
use serde_json::json;

fn record(value: Value) -> Record {
    serde_json::from_value(value).unwrap()
}

#[test]
fn fields_are_found_whatever_the_casing_asked() {
    let r = record(json!({
        "attributes": {"type": "User", "url": "/services/data/v68.0/sobjects/User/005A"},
        "Id": "005A", "IsActive": true, "Email": "jane@example.com",
        "Profile": {"attributes": {"type": "Profile"}, "UserLicenseId": "100A"}
    }));
    assert_eq!(r.id(), Some("005A"));
    assert_eq!(r.sobject_type(), Some("User"));
    assert_eq!(r.flag("isactive"), Some(true));
    assert_eq!(r.text("email"), Some("jane@example.com"));
    assert_eq!(
        r.parent("Profile").unwrap().text("UserLicenseId"),
        Some("100A")
    );
    assert_eq!(r.text("Missing"), None);
}

#[test]
fn debug_shows_field_names_not_values() {
    let r = record(json!({"Id": "003A", "Email": "jane@example.com"}));
    let shown = format!("{r:?}");
    assert!(shown.contains("Email") && shown.contains("003A"), "{shown}");
    assert!(!shown.contains("jane@example.com"), "{shown}");
}

#[test]
fn multiple_choices_give_the_ids() {
    let body = json!([
        "/services/data/v68.0/sobjects/Contact/003A",
        "/services/data/v68.0/sobjects/Contact/003B"
    ]);
    assert_eq!(
        ids_of_choices(&body),
        Some(vec!["003A".into(), "003B".into()])
    );
    assert_eq!(
        ids_of_choices(&json!([{"Id": "003C"}])),
        Some(vec!["003C".into()])
    );
    assert_eq!(ids_of_choices(&json!({"x": 1})), None);
    assert_eq!(ids_of_choices(&json!([5])), None);
}
