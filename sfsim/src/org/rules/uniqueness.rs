//! Unique fields: usernames (unique across all orgs), nicknames, unique external ids.

use serde_json::Value;

use super::super::Org;
use super::super::refusals::refuse;
use super::Change;
use crate::error::ApiError;
use crate::schema::ObjectDef;

/// Every unique field in `change` holds a value no other record of the type holds (`exclude`
/// is the record being updated).
pub(crate) fn check(
    org: &Org,
    def: &ObjectDef,
    change: &Change,
    exclude: Option<&str>,
) -> Result<(), ApiError> {
    for field in def.fields.iter().filter(|f| f.unique) {
        let Some(value) = change.get(&field.name).filter(|v| !v.is_null()) else {
            continue;
        };
        let clash = org
            .store
            .find(&def.name, &field.name, value)
            .find(|r| Some(r.id.as_str()) != exclude)
            .map(|r| r.id.clone());
        match (def.name.as_str(), field.name.as_str()) {
            ("User", "Username") => {
                let elsewhere = value
                    .as_str()
                    .is_some_and(|u| org.settings.username_taken_elsewhere(u));
                if clash.is_some() || elsewhere {
                    return Err(duplicate_username());
                }
            }
            ("User", "CommunityNickname") if clash.is_some() => {
                return Err(refuse(
                    "DUPLICATE_COMM_NICKNAME",
                    "Duplicate Nickname.<br>Another user has already selected this nickname.<br>Please select another.",
                    &["CommunityNickname"],
                ));
            }
            (_, name) => {
                if let Some(other) = clash {
                    return Err(refuse(
                        "DUPLICATE_VALUE",
                        format!(
                            "duplicate value found: {name} duplicates value on record with id: {other}"
                        ),
                        &[],
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Whether any user of this org, or of another org, holds `username`.
pub(crate) fn username_in_use(org: &Org, username: &str, exclude: Option<&str>) -> bool {
    let value = Value::String(username.to_owned());
    org.settings.username_taken_elsewhere(username)
        || org
            .store
            .find("User", "Username", &value)
            .any(|r| Some(r.id.as_str()) != exclude)
}

/// `DUPLICATE_USERNAME`, worded as Salesforce words it since usernames became global.
pub(crate) fn duplicate_username() -> ApiError {
    refuse(
        "DUPLICATE_USERNAME",
        "Duplicate Username.<br>The username already exists in this or another Salesforce \
         organization. Usernames must be unique across all Salesforce organizations. To resolve, \
         use a different username (it doesn't need to match the user's email address). ",
        &["Username"],
    )
}
