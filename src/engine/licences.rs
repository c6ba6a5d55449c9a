//! Noticing licences freed outside Gatehouse, so parked commands resume without an operator.
//!
//! A deprovision by Gatehouse resumes the commands parked on its licence at once. An admin who
//! deactivates someone in Salesforce frees a licence Gatehouse cannot see; while commands are
//! parked, the worker therefore asks the org now and then (one query, one API call) which
//! licence types have room, and resumes the commands waiting for those.

use crate::salesforce::{CallError, SalesforceClient};

/// Names of the licence types with at least one free licence.
pub async fn with_room(client: &SalesforceClient) -> Result<Vec<String>, CallError> {
    let result = client
        .query("SELECT Name, TotalLicenses, UsedLicenses FROM UserLicense")
        .await?;
    Ok(result
        .records
        .iter()
        .filter(|r| {
            let total = r.get("TotalLicenses").and_then(|v| v.as_i64()).unwrap_or(0);
            let used = r
                .get("UsedLicenses")
                .and_then(|v| v.as_i64())
                .unwrap_or(i64::MAX);
            used < total
        })
        .filter_map(|r| r.text("Name").map(str::to_owned))
        .collect())
}
