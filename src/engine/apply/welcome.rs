//! After a user is created: the welcome email, sent at most once, and finishing a creation an
//! earlier attempt of the command began but did not see through.
//!
//! What the org cannot show is recorded as progress before the call it concerns, so a rerun
//! after a crash or a lost answer knows what is owed (see docs/engine.md).

use serde_json::{Map, Value, json};

use super::provision::ProvisionContext;
use super::{Applied, ApplyError};
use crate::domain::{LicenceEffect, SalesforceIds, WelcomeEmail};
use crate::salesforce::CallError;
use crate::store::WelcomeEmailState;

/// Progress keys: a user creation about to be sent, and the id it answered with.
pub(super) const USER_CREATING: &str = "user_creating";
pub(super) const USER_CREATED: &str = "user_created";
/// Progress keys of the welcome email: `intended` before the call that sends it, `not_sent`
/// when Salesforce refused that call; `sent` once it answered.
const WELCOME: &str = "welcome_email";
const INTENDED: &str = "intended";
const WELCOME_SENT: &str = "welcome_email_sent";

/// Finishes a creation that an earlier attempt of the command began but did not see through
/// (the process stopped, or the answer was lost): the user exists and matches, so only the
/// welcome email may be owed. `None` when no earlier attempt created a user.
pub async fn finish_earlier_creation(
    cx: &ProvisionContext<'_>,
    ids: SalesforceIds,
) -> Result<Option<Applied>, ApplyError> {
    let Some(user_id) = ids.user_id.clone() else {
        return Ok(None);
    };
    if !created_by_earlier_attempt(cx.progress) {
        return Ok(None);
    }
    let mut steps = vec!["user.created".to_owned()];
    let welcome_email = welcome(cx, &user_id, false, &mut steps).await?;
    Ok(Some(Applied {
        ids,
        steps,
        licence_effect: LicenceEffect::Consumed {
            licence: cx.profile.licence.clone(),
        },
        username: None,
        nickname: None,
        welcome_email,
        email_change: None,
        changed: true,
    }))
}

/// Whether an earlier attempt of this command created (or was creating) the user.
pub(super) fn created_by_earlier_attempt(progress: &Map<String, Value>) -> bool {
    progress.contains_key(USER_CREATED) || progress.contains_key(USER_CREATING)
}

/// Sends the welcome email at most once. The intent is recorded before the call: a crash
/// after it leaves the email unsent (state `intended` on the lifecycle record), never twice.
pub(super) async fn welcome(
    cx: &ProvisionContext<'_>,
    user_id: &str,
    created_now: bool,
    steps: &mut Vec<String>,
) -> Result<Option<WelcomeEmailState>, ApplyError> {
    let created = created_now || created_by_earlier_attempt(cx.progress);
    if !created {
        return Ok(None);
    }
    match cx.welcome {
        WelcomeEmail::None => Ok(Some(WelcomeEmailState::NotWanted)),
        WelcomeEmail::SiteSetting => {
            steps.push("welcome_email.by_site".to_owned());
            Ok(Some(WelcomeEmailState::BySite))
        }
        WelcomeEmail::PasswordReset => {
            if cx.progress.contains_key(WELCOME_SENT) {
                steps.push("welcome_email.sent".to_owned());
                return Ok(Some(WelcomeEmailState::Sent));
            }
            if cx.progress.get(WELCOME) == Some(&json!(INTENDED)) {
                // An earlier attempt stopped after asking, before hearing back: the email may
                // have gone out. At most once wins over at least once.
                steps.push("welcome_email.left_unsent".to_owned());
                return Ok(Some(WelcomeEmailState::Intended));
            }
            cx.store
                .record_progress(cx.command, WELCOME, json!(INTENDED))
                .await?;
            if let Err(error) = cx.client.reset_password(user_id).await {
                // Salesforce answered with an error, so the reset did not happen and no email
                // went out: the retry may ask again. Without an answer it stays "intended".
                if matches!(error, CallError::Refused(_)) {
                    cx.store
                        .record_progress(cx.command, WELCOME, json!("not_sent"))
                        .await?;
                }
                return Err(error.into());
            }
            cx.store
                .record_progress(cx.command, WELCOME_SENT, json!(true))
                .await?;
            steps.push("welcome_email.sent".to_owned());
            Ok(Some(WelcomeEmailState::Sent))
        }
    }
}
