//! The client credentials flow: a consumer key and secret buy a token for the app's "Run As" user.

use super::principal::Principal;
use super::refusal::OAuthRefusal;
use super::{ConnectedApp, TokenForm};
use crate::org::Org;

/// Checks the app's credentials and finds the user it runs as. The secret may come in the
/// form or in an HTTP Basic header, as Salesforce accepts both.
pub fn authenticate(
    org: &Org,
    form: &TokenForm,
    basic: Option<(String, String)>,
) -> Result<(ConnectedApp, Principal), OAuthRefusal> {
    let (client_id, client_secret) = match (form.get("client_id"), form.get("client_secret")) {
        (Some(id), Some(secret)) => (id.to_owned(), secret.to_owned()),
        _ => basic.ok_or(OAuthRefusal::UNKNOWN_CLIENT)?,
    };
    let app = org
        .connected_apps()
        .iter()
        .find(|app| app.client_id == client_id)
        .ok_or(OAuthRefusal::UNKNOWN_CLIENT)?;
    let expected = app
        .client_secret
        .as_deref()
        .ok_or(OAuthRefusal::BAD_CLIENT_SECRET)?;
    if !same_secret(expected.as_bytes(), client_secret.as_bytes()) {
        return Err(OAuthRefusal::BAD_CLIENT_SECRET);
    }
    let user = Principal::find(org, &app.run_as).ok_or(OAuthRefusal::NO_RUN_AS_USER)?;
    if !user.active {
        return Err(OAuthRefusal::INACTIVE_USER);
    }
    Ok((app.clone(), user))
}

/// Compares secrets in time that does not depend on where they differ.
fn same_secret(expected: &[u8], given: &[u8]) -> bool {
    let mut difference = expected.len() ^ given.len();
    for (i, b) in given.iter().enumerate() {
        let e = expected.get(i).copied().unwrap_or(0);
        difference |= usize::from(e ^ b);
    }
    difference == 0
}

#[cfg(test)]
mod tests;
