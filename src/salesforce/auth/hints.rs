//! What to check when the token endpoint says no.
//!
//! Salesforce's OAuth errors are terse and sometimes misleading ("user hasn't approved this
//! consumer" also means "no such username"). Each known (error, description) pair gets the
//! admin's next step; the wording follows Salesforce's setup pages so it can be searched.

/// The admin's next step for an OAuth refusal.
pub fn hint_for(error: &str, description: &str) -> &'static str {
    let description = description.to_ascii_lowercase();
    let says = |words: &str| description.contains(words);
    match error {
        "invalid_grant" if says("approved this consumer") => {
            "user hasn't approved this consumer: pre-authorize the connected app for the integration user (Permitted Users = \"Admin approved users are pre-authorized\", then add the user's profile or a permission set to the app), and check that username is the user's exact Salesforce username"
        }
        "invalid_grant" if says("audience") => {
            "the JWT audience must be https://login.salesforce.com (production) or https://test.salesforce.com (sandbox), never a My Domain URL: leave audience unset to derive it from login_url, or set it to one of those"
        }
        "invalid_grant" if says("expired") => {
            "the assertion had expired when Salesforce read it: check this machine's clock (NTP)"
        }
        "invalid_grant" if says("invalid assertion") || says("signature") => {
            "the JWT was not accepted: private_key must belong to the certificate uploaded to the connected app (Use digital signatures), and the certificate must not have expired"
        }
        "invalid_grant" if says("inactive") || says("frozen") => {
            "the integration user is deactivated or frozen: reactivate or unfreeze it in Setup → Users"
        }
        "invalid_grant" if says("client credentials user") => {
            "no Run As user: in the connected app, enable the Client Credentials Flow and set its Run As user to the integration user"
        }
        "invalid_grant" if says("ip restricted") || says("login hours") => {
            "the integration user may not log in from this address or at this hour: relax the connected app's IP Relaxation policy or the profile's Login IP Ranges and Login Hours"
        }
        "invalid_grant" if says("authentication failure") => {
            "authentication failure: check client_id, the credentials, and that login_url is the org's My Domain URL (the client credentials flow does not work through login.salesforce.com)"
        }
        "invalid_grant" => {
            "check the connected app's policies and the integration user (active, pre-authorized, API Enabled)"
        }
        "invalid_client_id" => {
            "client_id is not the consumer key of any connected app in this org (a new app can take up to ten minutes to become usable)"
        }
        "invalid_client" => {
            "client_secret does not match the connected app's consumer secret, or the app does not allow the client credentials flow"
        }
        "unsupported_grant_type" => {
            "the connected app does not allow this flow: enable Use digital signatures (JWT bearer) or Enable Client Credentials Flow, and use the My Domain URL as login_url for client credentials"
        }
        "invalid_request" => "the token request was malformed: check login_url and client_id",
        "inactive_org" => "the org is locked, deleted or suspended",
        _ => {
            "check the connected app (consumer key, enabled flows, policies) and the integration user"
        }
    }
}

#[cfg(test)]
mod tests;
