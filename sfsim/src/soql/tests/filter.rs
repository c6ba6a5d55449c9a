//! WHERE semantics: each operator on each kind of field, SOQL's null rules, ids in both
//! lengths, case-insensitive text, dates as instants, and parent fields.

use super::org::{id, names, run};

fn contacts(condition: &str) -> Vec<&'static str> {
    names(&run(&format!("SELECT Id FROM Contact WHERE {condition}")))
}

fn users(condition: &str) -> Vec<&'static str> {
    names(&run(&format!("SELECT Id FROM User WHERE {condition}")))
}

fn accounts(condition: &str) -> Vec<&'static str> {
    names(&run(&format!("SELECT Id FROM Account WHERE {condition}")))
}

#[test]
fn equality_on_text_ignores_case() {
    assert_eq!(contacts("LastName = 'lovelace'"), ["ada"]);
    assert_eq!(contacts("Email = 'grace@example.com'"), ["grace"]);
    assert_eq!(
        contacts("LastName != 'LOVELACE'"),
        ["grace", "alan", "obrien"]
    );
    assert_eq!(
        contacts("LastName <> 'lovelace'"),
        ["grace", "alan", "obrien"]
    );
}

#[test]
fn ordering_operators_on_text_ignore_case() {
    assert_eq!(contacts("LastName < 'M'"), ["ada", "grace"]);
    assert_eq!(contacts("LastName >= 'o'"), ["alan", "obrien"]);
    assert_eq!(contacts("LastName > 'hopper'"), ["ada", "alan", "obrien"]);
    assert_eq!(contacts("LastName <= 'HOPPER'"), ["grace"]);
}

#[test]
fn ordering_operators_on_numbers_compare_numerically() {
    assert_eq!(accounts("NumberOfEmployees > 10"), ["acme"]);
    assert_eq!(accounts("NumberOfEmployees < 100"), ["acme"]);
    assert_eq!(accounts("NumberOfEmployees >= 50"), ["acme"]);
    assert_eq!(accounts("NumberOfEmployees <= 49"), Vec::<&str>::new());
    assert_eq!(accounts("AnnualRevenue <= 20.25"), ["globex"]);
    assert_eq!(accounts("AnnualRevenue > 20"), ["acme", "globex"]);
    assert_eq!(accounts("AnnualRevenue = 1500000.5"), ["acme"]);
    assert_eq!(accounts("AnnualRevenue > -1"), ["acme", "globex"]);
}

#[test]
fn booleans_match_true_and_false() {
    assert_eq!(users("IsActive = true"), ["ada-user", "admin-user"]);
    assert_eq!(users("IsActive = FALSE"), ["grace-user"]);
    assert_eq!(users("IsActive != true"), ["grace-user"]);
    assert_eq!(accounts("IsPartner = true"), ["acme"]);
}

#[test]
fn dates_compare_as_days() {
    assert_eq!(contacts("Birthdate = 1815-12-10"), ["ada"]);
    assert_eq!(contacts("Birthdate > 1900-01-01"), ["grace", "obrien"]);
    assert_eq!(contacts("Birthdate <= 1906-12-09"), ["ada", "grace"]);
    assert_eq!(
        contacts("Birthdate != 1815-12-10"),
        ["grace", "alan", "obrien"]
    );
}

#[test]
fn datetimes_compare_as_instants_whatever_the_offset() {
    assert_eq!(contacts("CreatedDate > 2026-01-31T00:00:00Z"), ["grace"]);
    assert_eq!(
        contacts("CreatedDate = 2026-01-31T19:42:00+01:00"),
        ["grace"]
    );
    assert_eq!(
        contacts("CreatedDate = 2026-01-31T18:42:00.000+0000"),
        ["grace"]
    );
    // Stored as 2025-12-31T23:30:00.000-0100, which is 00:30 UTC on the 1st.
    assert_eq!(contacts("CreatedDate = 2026-01-01T00:30:00Z"), ["obrien"]);
    assert_eq!(contacts("CreatedDate < 2026-01-01T00:30:00Z"), ["alan"]);
}

#[test]
fn relative_dates_cover_whole_utc_days_around_now() {
    // Now is 2026-01-31T20:00Z.
    assert_eq!(contacts("CreatedDate = TODAY"), ["grace"]);
    assert_eq!(contacts("CreatedDate = YESTERDAY"), ["ada"]);
    assert_eq!(contacts("CreatedDate = TOMORROW"), Vec::<&str>::new());
    assert_eq!(contacts("CreatedDate < TODAY"), ["ada", "alan", "obrien"]);
    assert_eq!(contacts("CreatedDate > YESTERDAY"), ["grace"]);
    assert_eq!(contacts("CreatedDate >= YESTERDAY"), ["ada", "grace"]);
    assert_eq!(
        contacts("CreatedDate <= YESTERDAY"),
        ["ada", "alan", "obrien"]
    );
    assert_eq!(
        contacts("CreatedDate < TOMORROW"),
        ["ada", "grace", "alan", "obrien"]
    );
    assert_eq!(contacts("CreatedDate = LAST_N_DAYS:1"), ["ada", "grace"]);
    assert_eq!(contacts("CreatedDate = LAST_N_DAYS:29"), ["ada", "grace"]);
    assert_eq!(
        contacts("CreatedDate = LAST_N_DAYS:30"),
        ["ada", "grace", "alan", "obrien"]
    );
    assert_eq!(contacts("CreatedDate = N_DAYS_AGO:30"), ["alan", "obrien"]);
    assert_eq!(contacts("CreatedDate = NEXT_N_DAYS:5"), Vec::<&str>::new());
    assert_eq!(contacts("Birthdate < TODAY"), ["ada", "grace", "obrien"]);
    assert_eq!(users("LastLoginDate = TODAY"), ["ada-user"]);
    assert_eq!(
        users("LastLoginDate = LAST_N_DAYS:4000000000"),
        ["ada-user", "admin-user"]
    );
}

#[test]
fn in_and_not_in_match_any_of_a_list_ignoring_case() {
    assert_eq!(
        contacts("LastName IN ('hopper', 'TURING')"),
        ["grace", "alan"]
    );
    assert_eq!(
        contacts("LastName NOT IN ('Hopper')"),
        ["ada", "alan", "obrien"]
    );
    assert_eq!(
        contacts("Email IN ('ada@example.com', null)"),
        ["ada", "alan"]
    );
    assert_eq!(
        contacts("Birthdate IN (1815-12-10, 1990-06-01)"),
        ["ada", "obrien"]
    );
    assert_eq!(accounts("NumberOfEmployees IN (1, 50)"), ["acme"]);
}

#[test]
fn null_is_a_value_that_equals_only_null() {
    assert_eq!(contacts("Email = null"), ["alan"]);
    assert_eq!(contacts("Email != null"), ["ada", "grace", "obrien"]);
    // Unlike SQL, != and NOT IN keep the records whose field is null.
    assert_eq!(
        contacts("Email != 'ada@example.com'"),
        ["grace", "alan", "obrien"]
    );
    assert_eq!(
        contacts("Email NOT IN ('ada@example.com')"),
        ["grace", "alan", "obrien"]
    );
    // Ordering and LIKE never match null.
    assert_eq!(contacts("Email < 'z'"), ["ada", "grace", "obrien"]);
    assert_eq!(
        contacts("Birthdate > 1000-01-01"),
        ["ada", "grace", "obrien"]
    );
    assert_eq!(contacts("Email LIKE '%'"), ["ada", "grace", "obrien"]);
    assert_eq!(accounts("NumberOfEmployees = null"), ["globex"]);
    assert_eq!(accounts("NumberOfEmployees != 50"), ["globex"]);
}

#[test]
fn like_wildcards_match_case_insensitively() {
    assert_eq!(contacts("LastName LIKE 'lo%'"), ["ada"]);
    assert_eq!(contacts("LastName LIKE '%ER'"), ["grace"]);
    assert_eq!(contacts("LastName LIKE '_opper'"), ["grace"]);
    assert_eq!(contacts("LastName LIKE 'Lovelac_'"), ["ada"]);
    assert_eq!(contacts("Email LIKE 'GRACE@%'"), ["grace"]);
    assert_eq!(
        contacts("Email LIKE '%example.com'"),
        ["ada", "grace", "obrien"]
    );
}

#[test]
fn like_escapes_match_the_literal_characters() {
    assert_eq!(contacts(r"LastName LIKE 'o\'%'"), ["obrien"]);
    assert_eq!(contacts(r"Email LIKE 'obrien\_100\%@%'"), ["obrien"]);
    assert_eq!(contacts(r"LastName LIKE 'Lovelac\_'"), Vec::<&str>::new());
    assert_eq!(contacts(r"Email LIKE '%\%%'"), ["obrien"]);
    assert_eq!(contacts(r"LastName = 'O\'Brien'"), ["obrien"]);
}

#[test]
fn ids_match_in_fifteen_and_eighteen_character_forms() {
    let ada = id("003", 1);
    let short = &ada[..15];
    assert_eq!(contacts(&format!("Id = '{ada}'")), ["ada"]);
    assert_eq!(contacts(&format!("Id = '{short}'")), ["ada"]);
    assert_eq!(contacts(&format!("Id = '{short}zzz'")), ["ada"]);
    assert_eq!(users(&format!("ContactId = '{short}'")), ["ada-user"]);
    assert_eq!(
        contacts(&format!("AccountId IN ('{}')", &id("001", 1)[..15])),
        ["ada", "obrien"]
    );
    assert_eq!(
        contacts(&format!("Id != '{short}'")),
        ["grace", "alan", "obrien"]
    );
}

#[test]
fn the_first_fifteen_id_characters_are_case_sensitive() {
    let ada = id("003", 1);
    let lowered = ada[..15].to_lowercase();
    assert_ne!(lowered, ada[..15]);
    assert_eq!(contacts(&format!("Id = '{lowered}'")), Vec::<&str>::new());
}

#[test]
fn empty_and_null_references_match_null() {
    assert_eq!(users("ContactId = null"), ["admin-user"]);
    assert_eq!(users("ContactId != null"), ["ada-user", "grace-user"]);
    assert_eq!(contacts("AccountId = ''"), ["alan"]);
}

#[test]
fn parent_fields_filter_through_relationships() {
    assert_eq!(contacts("Account.Name = 'acme'"), ["ada", "obrien"]);
    assert_eq!(contacts("Account.IsPartner = true"), ["ada", "obrien"]);
    assert_eq!(contacts("Account.Name = null"), ["alan"]);
    assert_eq!(contacts("Account.Name != 'Acme'"), ["grace", "alan"]);
    assert_eq!(users("Contact.Account.Name = 'Globex'"), ["grace-user"]);
    assert_eq!(
        users("Profile.UserLicense.Name LIKE 'partner%'"),
        ["grace-user"]
    );
    assert_eq!(users("Profile.UserLicense.Name = null"), ["admin-user"]);
    assert_eq!(
        users("Profile.UserLicense.LicenseDefinitionKey = 'PID_Customer_Community'"),
        ["ada-user"]
    );
}

#[test]
fn parentheses_change_which_records_match() {
    assert_eq!(
        contacts("LastName = 'Lovelace' AND (Email = null OR Account.Name = 'Acme')"),
        ["ada"]
    );
    assert_eq!(
        contacts("(LastName = 'Lovelace' AND Email = null) OR Account.Name = 'Acme'"),
        ["ada", "obrien"]
    );
    assert_eq!(
        contacts("LastName = 'Turing' OR LastName = 'Hopper' OR LastName = 'Nobody'"),
        ["grace", "alan"]
    );
    assert_eq!(
        contacts("Email != null AND Account.Name = 'Acme' AND Birthdate > 1900-01-01"),
        ["obrien"]
    );
}

#[test]
fn not_negates_the_operand_it_precedes() {
    assert_eq!(
        contacts("NOT LastName = 'Lovelace'"),
        ["grace", "alan", "obrien"]
    );
    assert_eq!(
        contacts("NOT (LastName = 'Lovelace' OR Email = null)"),
        ["grace", "obrien"]
    );
    assert_eq!(contacts("NOT Email LIKE '%example.com'"), ["alan"]);
    assert_eq!(
        contacts("NOT LastName = 'Lovelace' AND NOT LastName = 'Hopper'"),
        ["alan", "obrien"]
    );
}
