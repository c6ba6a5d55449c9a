use super::metadata::shipped_permission_set;
use super::table::Needs;

#[test]
fn the_shared_table_parses() {
    assert!(Needs::shipped().len() >= 20);
    let need = Needs::shipped().of("UserLogin", "read");
    assert_eq!(need.all_of, vec!["ManageUsers".to_owned()]);
}

#[test]
fn the_shipped_sets_parse_with_their_grants() {
    let integration = shipped_permission_set("Gatehouse_Integration").expect("parses");
    assert_eq!(integration.label, "Gatehouse Integration");
    assert!(
        integration
            .user_permissions
            .contains(&"ManagePartners".to_owned())
    );
    assert!(
        !integration
            .user_permissions
            .contains(&"ManageUsers".to_owned())
    );
    assert!(
        integration
            .objects
            .contains(&("Contact".to_owned(), true, true, true, false))
    );
    assert!(
        integration
            .fields
            .contains(&("Contact.Gatehouse_Key__c".to_owned(), true, true))
    );
    let freeze = shipped_permission_set("Gatehouse_Integration_Freeze").expect("parses");
    assert!(freeze.user_permissions.contains(&"ManageUsers".to_owned()));
    assert!(shipped_permission_set("Nope").is_err());
}
