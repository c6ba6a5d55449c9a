//! Permission sets as Salesforce metadata describes them (`*.permissionset-meta.xml`): the
//! shipped sets are compiled in, so a fixture can give a user exactly what an admin deploys.

use quick_xml::Reader;
use quick_xml::events::Event;

/// The permission sets Gatehouse ships (`salesforce/force-app/main/default/permissionsets`).
const SHIPPED: [(&str, &str); 2] = [
    (
        "Gatehouse_Integration",
        include_str!(
            "../../../salesforce/force-app/main/default/permissionsets/Gatehouse_Integration.permissionset-meta.xml"
        ),
    ),
    (
        "Gatehouse_Integration_Freeze",
        include_str!(
            "../../../salesforce/force-app/main/default/permissionsets/Gatehouse_Integration_Freeze.permissionset-meta.xml"
        ),
    ),
];

/// What one permission set grants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSetGrants {
    pub label: String,
    /// Enabled user permissions (`ApiEnabled`).
    pub user_permissions: Vec<String>,
    /// (object, read, create, edit, delete).
    pub objects: Vec<(String, bool, bool, bool, bool)>,
    /// (`Object.Field`, read, edit).
    pub fields: Vec<(String, bool, bool)>,
}

/// A metadata file that is not what a permission set's XML is.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    #[error("no shipped permission set is named '{0}'")]
    Unknown(String),
    #[error("permission set '{name}' is not well-formed XML")]
    Xml {
        name: String,
        #[source]
        cause: quick_xml::Error,
    },
}

/// The shipped permission set `name`, parsed.
pub fn shipped_permission_set(name: &str) -> Result<PermissionSetGrants, MetadataError> {
    let (_, text) = SHIPPED
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| MetadataError::Unknown(name.to_owned()))?;
    parse(text).map_err(|cause| MetadataError::Xml {
        name: name.to_owned(),
        cause,
    })
}

/// Reads the elements sfsim models; the rest (description, flags) is ignored.
fn parse(text: &str) -> Result<PermissionSetGrants, quick_xml::Error> {
    let mut reader = Reader::from_str(text);
    let mut open: Vec<String> = Vec::new();
    let mut values: Vec<(String, String)> = Vec::new();
    let mut grants = PermissionSetGrants::default();
    loop {
        match reader.read_event()? {
            Event::Start(e) => open.push(String::from_utf8_lossy(e.name().as_ref()).into_owned()),
            Event::Text(t) => {
                let text = t.decode().map_err(quick_xml::Error::from)?.into_owned();
                if let Some(name) = open.last() {
                    values.push((name.clone(), text));
                }
            }
            Event::End(_) => {
                let closed = open.pop().unwrap_or_default();
                if open.len() == 1 {
                    take(&mut grants, &closed, &values);
                    values.clear();
                } else if open.is_empty() {
                    break;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(grants)
}

/// Records one top-level element of the set from the values read inside it.
fn take(grants: &mut PermissionSetGrants, element: &str, values: &[(String, String)]) {
    let value = |name: &str| {
        values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let yes = |name: &str| value(name) == "true";
    match element {
        "label" => grants.label = value("label").to_owned(),
        "userPermissions" if yes("enabled") => {
            grants.user_permissions.push(value("name").to_owned());
        }
        "objectPermissions" => grants.objects.push((
            value("object").to_owned(),
            yes("allowRead"),
            yes("allowCreate"),
            yes("allowEdit"),
            yes("allowDelete"),
        )),
        "fieldPermissions" => {
            grants
                .fields
                .push((value("field").to_owned(), yes("readable"), yes("editable")));
        }
        _ => {}
    }
}
