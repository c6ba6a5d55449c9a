//! A small hand-built org for the query tests: User → Profile → UserLicense, User → Contact →
//! Account, and a few records with the nulls and odd values the tests need.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::super::{DataSource, Query, QueryResult, execute_at, parse};
use crate::error::ApiError;
use crate::record::Record;
use crate::schema::{FieldDef, FieldType, ObjectDef, Operations, Schema};

/// Records and schema in memory.
pub struct TestOrg {
    schema: Schema,
    records: Vec<Record>,
}

impl DataSource for TestOrg {
    fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.schema.object(name)
    }

    fn records(&self, object: &str) -> Box<dyn Iterator<Item = &Record> + '_> {
        let object = object.to_owned();
        Box::new(
            self.records
                .iter()
                .filter(move |r| r.object.eq_ignore_ascii_case(&object)),
        )
    }

    fn record(&self, id: &str) -> Option<&Record> {
        let key = id.get(..15)?;
        self.records.iter().find(|r| r.id.starts_with(key))
    }
}

/// An 18-character id: prefix, a number, and a fixed suffix standing for the checksum.
pub fn id(prefix: &str, n: u32) -> String {
    format!("{prefix}Xy{n:010}QAA")
}

/// "Now" for every test: 2026-01-31 20:00 UTC.
pub fn now() -> DateTime<Utc> {
    "2026-01-31T20:00:00Z".parse().unwrap()
}

/// Parses and runs a query that must succeed.
pub fn run(text: &str) -> QueryResult {
    run_on(&org(), text)
}

/// Parses and runs a query against a given org.
pub fn run_on(org: &TestOrg, text: &str) -> QueryResult {
    let query = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    execute_at(&query, org, "68.0", now()).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The refusal for a query that must fail, at parse or at run time.
pub fn refuse(text: &str) -> ApiError {
    let outcome = parse(text).and_then(|q: Query| execute_at(&q, &org(), "68.0", now()));
    match outcome {
        Ok(result) => panic!("{text} was accepted: {result:?}"),
        Err(e) => e,
    }
}

/// The first error's message.
pub fn message(error: &ApiError) -> &str {
    &error.errors[0].message
}

/// The `Id` of every returned record, in order.
pub fn ids(result: &QueryResult) -> Vec<String> {
    result
        .records
        .iter()
        .map(|r| r["Id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Short names of the test records, by id, so assertions read as names.
pub fn names(result: &QueryResult) -> Vec<&'static str> {
    let org = org();
    ids(result)
        .iter()
        .map(|i| {
            org.records
                .iter()
                .position(|r| &r.id == i)
                .map_or("?", |at| LABELS[at])
        })
        .collect()
}

const LABELS: [&str; 15] = [
    "customer-licence",
    "partner-licence",
    "customer-profile",
    "partner-profile",
    "orphan-profile",
    "acme",
    "globex",
    "ada",
    "grace",
    "alan",
    "obrien",
    "ada-user",
    "grace-user",
    "admin-user",
    "secret",
];

fn field(name: &str, field_type: FieldType) -> FieldDef {
    FieldDef {
        name: name.to_owned(),
        label: name.to_owned(),
        field_type,
        length: None,
        createable: true,
        updateable: true,
        nillable: true,
        required_on_create: false,
        external_id: false,
        unique: false,
        reference_to: Vec::new(),
        relationship_name: None,
        picklist_values: Vec::new(),
    }
}

fn reference(name: &str, target: &str, relationship: &str) -> FieldDef {
    FieldDef {
        reference_to: vec![target.to_owned()],
        relationship_name: Some(relationship.to_owned()),
        ..field(name, FieldType::Reference)
    }
}

fn object(name: &str, prefix: &str, fields: Vec<FieldDef>) -> ObjectDef {
    let mut all = vec![field("Id", FieldType::Id)];
    all.extend(fields);
    ObjectDef {
        name: name.to_owned(),
        label: name.to_owned(),
        key_prefix: prefix.to_owned(),
        fields: all,
        operations: Operations {
            create: true,
            retrieve: true,
            update: true,
            delete: true,
            query: true,
            upsert: true,
        },
    }
}

fn schema() -> Schema {
    use FieldType as T;
    let mut secret = object("SecretSetting", "0ZZ", vec![field("Name", T::String)]);
    secret.operations.query = false;
    Schema {
        objects: vec![
            object(
                "UserLicense",
                "100",
                vec![
                    field("Name", T::String),
                    field("LicenseDefinitionKey", T::String),
                ],
            ),
            object(
                "Profile",
                "00e",
                vec![
                    field("Name", T::String),
                    reference("UserLicenseId", "UserLicense", "UserLicense"),
                ],
            ),
            object(
                "Account",
                "001",
                vec![
                    field("Name", T::String),
                    field("IsPartner", T::Boolean),
                    field("NumberOfEmployees", T::Int),
                    field("AnnualRevenue", T::Double),
                ],
            ),
            object(
                "Contact",
                "003",
                vec![
                    field("FirstName", T::String),
                    field("LastName", T::String),
                    field("Email", T::Email),
                    reference("AccountId", "Account", "Account"),
                    field("Birthdate", T::Date),
                    field("CreatedDate", T::Datetime),
                ],
            ),
            object(
                "User",
                "005",
                vec![
                    field("Username", T::String),
                    field("Email", T::Email),
                    field("IsActive", T::Boolean),
                    reference("ProfileId", "Profile", "Profile"),
                    reference("ContactId", "Contact", "Contact"),
                    field("LastLoginDate", T::Datetime),
                ],
            ),
            secret,
        ],
    }
}

fn record(object: &str, id: String, fields: Value) -> Record {
    let mut map: Map<String, Value> = match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    map.insert("Id".into(), Value::String(id.clone()));
    Record {
        object: object.to_owned(),
        id,
        fields: map,
    }
}

/// Ids of the test org's records, by kind and number.
struct Ids {
    licences: [String; 2],
    profiles: [String; 3],
    accounts: [String; 2],
    contacts: [String; 4],
}

/// The test org. Record order is creation order, and matches `LABELS`.
pub fn org() -> TestOrg {
    let ids = Ids {
        licences: [id("100", 1), id("100", 2)],
        profiles: [id("00e", 1), id("00e", 2), id("00e", 3)],
        accounts: [id("001", 1), id("001", 2)],
        contacts: [id("003", 1), id("003", 2), id("003", 3), id("003", 4)],
    };
    let mut records = setup_records(&ids);
    records.extend(account_and_contact_records(&ids));
    records.extend(user_records(&ids));
    records.push(record(
        "SecretSetting",
        id("0ZZ", 1),
        json!({"Name": "hidden"}),
    ));
    TestOrg {
        schema: schema(),
        records,
    }
}

/// Licences and profiles, one profile without a licence.
fn setup_records(ids: &Ids) -> Vec<Record> {
    let [l1, l2] = ids.licences.clone();
    let [p1, p2, p3] = ids.profiles.clone();
    vec![
        record(
            "UserLicense",
            l1.clone(),
            json!({"Name": "Customer Community", "LicenseDefinitionKey": "PID_Customer_Community"}),
        ),
        record(
            "UserLicense",
            l2.clone(),
            json!({"Name": "Partner Community", "LicenseDefinitionKey": "PID_Partner_Community"}),
        ),
        record(
            "Profile",
            p1.clone(),
            json!({"Name": "Customer Community User", "UserLicenseId": l1}),
        ),
        record(
            "Profile",
            p2.clone(),
            json!({"Name": "Partner Community User", "UserLicenseId": l2}),
        ),
        record(
            "Profile",
            p3.clone(),
            json!({"Name": "Orphan Profile", "UserLicenseId": null}),
        ),
    ]
}

/// Two Accounts, and Contacts with and without one.
fn account_and_contact_records(ids: &Ids) -> Vec<Record> {
    let [a1, a2] = ids.accounts.clone();
    let [c1, c2, c3, c4] = ids.contacts.clone();
    vec![
        record(
            "Account",
            a1.clone(),
            json!({"Name": "Acme", "IsPartner": true, "NumberOfEmployees": 50, "AnnualRevenue": 1500000.5}),
        ),
        record(
            "Account",
            a2.clone(),
            json!({"Name": "Globex", "IsPartner": false, "NumberOfEmployees": null, "AnnualRevenue": 20.25}),
        ),
        record(
            "Contact",
            c1.clone(),
            json!({"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com", "AccountId": a1, "Birthdate": "1815-12-10", "CreatedDate": "2026-01-30T10:00:00.000+0000"}),
        ),
        record(
            "Contact",
            c2.clone(),
            json!({"FirstName": "Grace", "LastName": "Hopper", "Email": "Grace@Example.com", "AccountId": a2, "Birthdate": "1906-12-09", "CreatedDate": "2026-01-31T18:42:00.000+0000"}),
        ),
        record(
            "Contact",
            c3.clone(),
            json!({"FirstName": "Alan", "LastName": "Turing", "Email": null, "AccountId": null, "Birthdate": null, "CreatedDate": "2026-01-01T00:00:00.000+0000"}),
        ),
        record(
            "Contact",
            c4.clone(),
            json!({"FirstName": null, "LastName": "O'Brien", "Email": "obrien_100%@example.com", "AccountId": a1, "Birthdate": "1990-06-01", "CreatedDate": "2025-12-31T23:30:00.000-0100"}),
        ),
    ]
}

/// Two external users (one inactive) and an internal one whose profile has no licence.
fn user_records(ids: &Ids) -> Vec<Record> {
    let [p1, p2, p3] = ids.profiles.clone();
    let [c1, c2, ..] = ids.contacts.clone();
    vec![
        record(
            "User",
            id("005", 1),
            json!({"Username": "ada@example.com.portal", "Email": "ada@example.com", "IsActive": true, "ProfileId": p1, "ContactId": c1, "LastLoginDate": "2026-01-31T08:00:00.000+0000"}),
        ),
        record(
            "User",
            id("005", 2),
            json!({"Username": "grace@example.com.portal", "Email": "grace@example.com", "IsActive": false, "ProfileId": p2, "ContactId": c2, "LastLoginDate": null}),
        ),
        record(
            "User",
            id("005", 3),
            json!({"Username": "admin@example.com", "Email": "admin@example.com", "IsActive": true, "ProfileId": p3, "ContactId": null, "LastLoginDate": "2025-11-02T09:00:00.000+0000"}),
        ),
    ]
}
