use super::*;
use crate::ids;

#[test]
fn every_object_has_an_id_field_and_a_distinct_valid_key_prefix() {
    let schema = Schema::standard();
    let mut prefixes: Vec<&str> = schema
        .objects
        .iter()
        .map(|o| o.key_prefix.as_str())
        .collect();
    for object in &schema.objects {
        assert!(object.field("Id").is_some(), "{} has no Id", object.name);
        assert_eq!(object.key_prefix.len(), 3);
    }
    prefixes.sort();
    prefixes.dedup();
    assert_eq!(prefixes.len(), schema.objects.len());
    assert_eq!(
        schema.object("contact").map(|o| o.key_prefix.as_str()),
        Some(ids::CONTACT)
    );
}

#[test]
fn every_reference_points_at_an_object_of_the_schema() {
    let schema = Schema::standard();
    for object in &schema.objects {
        for field in &object.fields {
            for target in &field.reference_to {
                assert!(
                    schema.object(target).is_some(),
                    "{}.{} points at unknown {target}",
                    object.name,
                    field.name
                );
            }
        }
    }
}

#[test]
fn user_contact_is_create_only_and_account_is_derived() {
    let schema = Schema::standard();
    let user = schema.object("User").expect("User");
    let contact = user.field("ContactId").expect("ContactId");
    assert!(contact.createable && !contact.updateable);
    let account = user.field("AccountId").expect("AccountId");
    assert!(!account.createable && !account.updateable);
    assert!(!user.operations.delete);
}
