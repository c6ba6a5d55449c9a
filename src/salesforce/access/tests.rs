use std::collections::BTreeSet;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::render::PAGE;
use super::*;

/// User, object and field permissions a shipped permission set's XML grants.
#[derive(Default)]
struct Shipped {
    users: BTreeSet<String>,
    objects: Vec<(String, bool, bool, bool)>,
    fields: Vec<(String, bool, bool)>,
}

fn shipped_set(name: &str) -> Shipped {
    let text = match name {
        INTEGRATION_SET => include_str!(
            "../../../salesforce/force-app/main/default/permissionsets/Gatehouse_Integration.permissionset-meta.xml"
        ),
        _ => include_str!(
            "../../../salesforce/force-app/main/default/permissionsets/Gatehouse_Integration_Freeze.permissionset-meta.xml"
        ),
    };
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut values: std::collections::BTreeMap<String, String> = Default::default();
    let mut shipped = Shipped::default();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => path.push(String::from_utf8_lossy(e.name().as_ref()).into_owned()),
            Event::Text(t) => {
                if let Some(last) = path.last() {
                    values.insert(last.clone(), t.decode().expect("text").into_owned());
                }
            }
            Event::End(_) => {
                let closed = path.pop().unwrap_or_default();
                let yes = |k: &str| values.get(k).is_some_and(|v| v == "true");
                match closed.as_str() {
                    "userPermissions" if yes("enabled") => {
                        shipped.users.insert(values["name"].clone());
                    }
                    "objectPermissions" => shipped.objects.push((
                        values["object"].clone(),
                        yes("allowRead"),
                        yes("allowCreate"),
                        yes("allowEdit"),
                    )),
                    "fieldPermissions" => shipped.fields.push((
                        values["field"].clone(),
                        yes("readable"),
                        yes("editable"),
                    )),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    shipped
}

fn grants_of(sets: &[&str]) -> Grants {
    let mut grants = Grants {
        setup_readable: true,
        ..Grants::default()
    };
    for set in sets {
        let shipped = shipped_set(set);
        grants.permission_sets.push((*set).to_owned());
        grants.user_permissions.extend(shipped.users);
        for (object, read, create, edit) in shipped.objects {
            let g = grants.objects.entry(object).or_default();
            g.read |= read;
            g.create |= create;
            g.edit |= edit;
        }
        for (field, read, edit) in shipped.fields {
            let g = grants.fields.entry(field).or_default();
            g.0 |= read;
            g.1 |= edit;
        }
    }
    grants
}

fn default_keys() -> KeyFieldNames {
    KeyFieldNames {
        contact: "Gatehouse_Key__c".to_owned(),
        account: "Gatehouse_Key__c".to_owned(),
    }
}

const EVERYTHING: Uses = Uses {
    freezes: true,
    assigns_permission_sets: true,
    password_reset_welcome: true,
};

#[test]
fn shipped_table_parses_and_names_a_source_for_every_row() {
    let table = AccessTable::parse(TABLE_TOML).expect("salesforce/access.toml parses");
    assert!(table.rows.len() >= 20, "{} rows", table.rows.len());
    for row in &table.rows {
        assert!(
            row.object.is_some() != row.resource.is_some(),
            "{}: a row names an object or a resource",
            row.subject()
        );
        assert!(row.source.url.starts_with("https://"), "{}", row.subject());
        if row.needs_anything() && row.object.is_some() {
            assert!(
                row.refusal.is_some(),
                "{}: a need says its refusal",
                row.subject()
            );
        }
    }
}

#[test]
fn each_row_is_granted_by_the_shipped_set_of_its_situation() {
    let table = AccessTable::shipped();
    let integration = grants_of(&[INTEGRATION_SET]);
    let both = grants_of(&[INTEGRATION_SET, FREEZE_SET]);
    let keys = default_keys();
    let without_freezing = Uses {
        freezes: false,
        ..EVERYTHING
    };
    assert_eq!(
        missing(&table, &integration, without_freezing, &keys),
        vec![]
    );
    assert_eq!(missing(&table, &both, EVERYTHING, &keys), vec![]);
    let freeze_rows: Vec<_> = table
        .rows
        .iter()
        .filter(|r| r.when == When::Freezes)
        .collect();
    assert!(!freeze_rows.is_empty());
    for row in freeze_rows {
        assert_eq!(row.granted_by(), FREEZE_SET);
    }
}

#[test]
fn without_the_freeze_set_manage_users_is_missing_only_when_rules_freeze() {
    let table = AccessTable::shipped();
    let integration = grants_of(&[INTEGRATION_SET]);
    let keys = default_keys();
    let findings = missing(&table, &integration, EVERYTHING, &keys);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].missing, "user permission ManageUsers");
    assert!(findings[0].needed_for.starts_with("UserLogin read"));
    assert!(findings[0].fix.contains(FREEZE_SET));
}

#[test]
fn a_missing_field_permission_names_the_configured_field() {
    let table = AccessTable::shipped();
    let mut grants = grants_of(&[INTEGRATION_SET]);
    grants.fields.clear();
    let keys = KeyFieldNames {
        contact: "Person_Key__c".to_owned(),
        account: "Gatehouse_Key__c".to_owned(),
    };
    let findings = missing(&table, &grants, Uses::default(), &keys);
    let texts: Vec<&str> = findings.iter().map(|f| f.missing.as_str()).collect();
    assert!(
        texts.contains(&"field permission Read on Contact.Person_Key__c"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"field permission Read on Account.Gatehouse_Key__c"),
        "{texts:?}"
    );
}

#[test]
fn permissions_page_is_the_rendered_table() {
    let rendered = render_markdown(&AccessTable::shipped());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(PAGE);
    if std::env::var_os("GATEHOUSE_WRITE_DOCS").is_some() {
        std::fs::write(&path, &rendered).expect("page written");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "{PAGE} differs from salesforce/access.toml's rendering; regenerate it with \
         `GATEHOUSE_WRITE_DOCS=1 cargo nextest run -E 'test(permissions_page)'`"
    );
}

const QUICKSTART: &str = include_str!("../../../examples/quickstart.toml");

#[test]
fn the_quickstart_neither_freezes_nor_assigns_sets_nor_resets_passwords() {
    let settings = crate::config::Settings::from_toml(QUICKSTART).expect("quickstart loads");
    assert_eq!(Uses::of(&settings), Uses::default());
}

#[test]
fn a_freezing_rule_a_permission_set_and_a_reset_welcome_each_count() {
    let text = QUICKSTART
        .replace(
            r#"deprovision = { mode = "deactivate","#,
            r#"deprovision = { mode = "freeze","#,
        )
        .replace(
            r#"welcome_email = "site-setting""#,
            "welcome_email = \"password-reset\"\npermission_sets = [\"Portal\"]",
        );
    let settings = crate::config::Settings::from_toml(&text).expect("config loads");
    assert_eq!(Uses::of(&settings), EVERYTHING);
}

#[test]
fn without_view_setup_only_view_setup_is_reported_not_the_unreadable_object_permissions() {
    let table = AccessTable::shipped();
    let mut grants = grants_of(&[INTEGRATION_SET]);
    grants.user_permissions.remove("ViewSetup");
    grants.objects.clear();
    grants.fields.clear();
    grants.setup_readable = false;
    let findings = missing(&table, &grants, Uses::default(), &default_keys());
    let texts: Vec<&str> = findings.iter().map(|f| f.missing.as_str()).collect();
    assert_eq!(texts, vec!["user permission ViewSetup"]);
}
