//! Refusals that need the schema: unknown objects and fields, mistyped literals, bad ids,
//! offsets out of range. Each keeps Salesforce's code and message shape.

use super::org::{message, refuse, run};

#[test]
fn unknown_field_is_invalid_field_with_salesforce_wording() {
    let error = refuse("SELECT Foo FROM Contact");
    assert_eq!(error.status.as_u16(), 400);
    assert_eq!(error.code(), "INVALID_FIELD");
    assert_eq!(
        message(&error),
        "\nSELECT Foo FROM Contact\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo' on entity \
         'Contact'. If you are attempting to use a custom field, be sure to append the '__c' after \
         the custom field name. Please reference your WSDL or the describe call for the \
         appropriate names."
    );
}

#[test]
fn unknown_field_on_a_parent_names_the_parent_entity() {
    let error = refuse("SELECT Id, Account.Foo FROM Contact");
    assert_eq!(error.code(), "INVALID_FIELD");
    assert!(
        message(&error)
            .contains("ERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Account'."),
        "{}",
        message(&error)
    );
}

#[test]
fn unknown_relationship_is_invalid_field() {
    let error = refuse("SELECT Acount.Name FROM Contact");
    assert_eq!(error.code(), "INVALID_FIELD");
    assert!(
        message(&error).contains(
            "ERROR at Row:1:Column:8\nDidn't understand relationship 'Acount' in field path."
        ),
        "{}",
        message(&error)
    );
    // A plain field used as a relationship is no relationship either.
    assert_eq!(
        refuse("SELECT Email.Name FROM Contact").code(),
        "INVALID_FIELD"
    );
}

#[test]
fn relationship_name_alone_is_no_column() {
    let error = refuse("SELECT Account FROM Contact");
    assert_eq!(error.code(), "INVALID_FIELD");
    assert!(message(&error).contains("No such column 'Account' on entity 'Contact'"));
}

#[test]
fn unknown_fields_in_where_and_order_by_are_refused_too() {
    let error = refuse("SELECT Id FROM Contact WHERE Nickname = 'x'");
    assert_eq!(error.code(), "INVALID_FIELD");
    assert!(
        message(&error).contains("Column:30\nNo such column 'Nickname'"),
        "{}",
        message(&error)
    );
    let error = refuse("SELECT Id FROM Contact ORDER BY Shoe");
    assert_eq!(error.code(), "INVALID_FIELD");
    assert!(message(&error).contains("No such column 'Shoe'"));
}

#[test]
fn unknown_object_is_invalid_type() {
    let error = refuse("SELECT Id FROM Foo");
    assert_eq!(error.status.as_u16(), 400);
    assert_eq!(error.code(), "INVALID_TYPE");
    assert!(
        message(&error).starts_with("\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo' is not supported."),
        "{}",
        message(&error)
    );
}

#[test]
fn object_that_cannot_be_queried_is_refused() {
    let error = refuse("SELECT Id FROM SecretSetting");
    assert_eq!(error.code(), "INVALID_TYPE");
    assert!(message(&error).ends_with("entity type SecretSetting does not support query"));
}

#[test]
fn quoted_boolean_is_a_type_mismatch() {
    let error = refuse("SELECT Id FROM User WHERE IsActive = 'true'");
    assert_eq!(error.code(), "INVALID_FIELD");
    assert_eq!(
        message(&error),
        "\nSELECT Id FROM User WHERE IsActive = 'true'\n                          ^\nERROR at Row:1:Column:27\n\
         value of filter criterion for field 'IsActive' must be of type boolean and should not be \
         enclosed in quotes"
    );
}

#[test]
fn each_field_type_names_what_it_wanted() {
    let cases = [
        (
            "SELECT Id FROM Contact WHERE Email = 5",
            "'Email' must be of type string and should be enclosed",
        ),
        (
            "SELECT Id FROM Contact WHERE LastName IN ('a', 1)",
            "'LastName' must be of type string and should be enclosed",
        ),
        (
            "SELECT Id FROM Contact WHERE Birthdate = 2026-01-31T00:00:00Z",
            "'Birthdate' must be of type date and should not",
        ),
        (
            "SELECT Id FROM Contact WHERE Birthdate = '2026-01-31'",
            "'Birthdate' must be of type date and should not",
        ),
        (
            "SELECT Id FROM Contact WHERE CreatedDate > 2026-01-31",
            "'CreatedDate' must be of type dateTime and should not",
        ),
        (
            "SELECT Id FROM Account WHERE NumberOfEmployees = '5'",
            "'NumberOfEmployees' must be of type integer and should not",
        ),
        (
            "SELECT Id FROM Account WHERE AnnualRevenue = true",
            "'AnnualRevenue' must be of type double and should not",
        ),
        (
            "SELECT Id FROM Account WHERE IsPartner = 1",
            "'IsPartner' must be of type boolean and should not",
        ),
        (
            "SELECT Id FROM Account WHERE IsPartner LIKE 'x'",
            "'IsPartner' must be of type boolean and should not",
        ),
        (
            "SELECT Id FROM Contact WHERE AccountId = 5",
            "'AccountId' must be of type id and should be enclosed",
        ),
        (
            "SELECT Id FROM Contact WHERE LastName LIKE 5",
            "'LastName' must be of type string and should be enclosed",
        ),
        (
            "SELECT Id FROM User WHERE Contact.Account.Name = false",
            "'Name' must be of type string",
        ),
    ];
    for (text, expected) in cases {
        let error = refuse(text);
        assert_eq!(error.code(), "INVALID_FIELD", "{text}");
        assert!(
            message(&error).contains(expected),
            "{text}: {}",
            message(&error)
        );
    }
}

#[test]
fn malformed_id_literal_is_an_invalid_filter() {
    let error = refuse("SELECT Id FROM Contact WHERE Id = 'abc'");
    assert_eq!(error.code(), "INVALID_QUERY_FILTER_OPERATOR");
    assert!(
        message(&error).ends_with("ERROR at Row:1:Column:30\ninvalid ID field: abc"),
        "{}",
        message(&error)
    );
    assert_eq!(
        refuse("SELECT Id FROM User WHERE ContactId IN ('003000000000001A')").code(),
        "INVALID_QUERY_FILTER_OPERATOR"
    );
    assert_eq!(
        refuse("SELECT Id FROM User WHERE ContactId = '003-00000000001'").code(),
        "INVALID_QUERY_FILTER_OPERATOR"
    );
}

#[test]
fn like_on_an_id_is_an_invalid_operator() {
    let error = refuse("SELECT Id FROM Contact WHERE Id LIKE '003%'");
    assert_eq!(error.code(), "INVALID_QUERY_FILTER_OPERATOR");
    assert!(message(&error).ends_with("invalid operator on id field"));
}

#[test]
fn offset_above_two_thousand_is_out_of_range() {
    let error = refuse("SELECT Id FROM Contact LIMIT 10 OFFSET 2001");
    assert_eq!(error.status.as_u16(), 400);
    assert_eq!(error.code(), "NUMBER_OUTSIDE_VALID_RANGE");
    assert!(
        message(&error).ends_with(
            "ERROR at Row:1:Column:40\nMaximum SOQL offset allowed for apiName Contact is 2000"
        ),
        "{}",
        message(&error)
    );
    assert_eq!(run("SELECT Id FROM Contact OFFSET 2000").total_size, 0);
}

#[test]
fn the_same_field_twice_is_refused() {
    let error = refuse("SELECT Id, Email, email FROM Contact");
    assert_eq!(error.code(), "MALFORMED_QUERY");
    assert!(
        message(&error).ends_with("duplicate field selected: email"),
        "{}",
        message(&error)
    );
    assert_eq!(
        refuse("SELECT Account.Name, account.NAME FROM Contact").code(),
        "MALFORMED_QUERY"
    );
}

#[test]
fn paths_deeper_than_five_relationships_are_refused() {
    let error = refuse("SELECT A.B.C.D.E.F.Name FROM User");
    assert_eq!(error.code(), "MALFORMED_QUERY");
    assert!(message(&error).ends_with("cannot query more than 5 levels of relationships"));
    // Five is allowed, so the failure there is about the names, not the depth.
    assert_eq!(
        refuse("SELECT A.B.C.D.E.Name FROM User").code(),
        "INVALID_FIELD"
    );
}

#[test]
fn the_object_is_checked_before_the_fields() {
    assert_eq!(refuse("SELECT Foo FROM Bar").code(), "INVALID_TYPE");
}
