//! After a user is created: the welcome email, sent at most once, and finishing a creation an
//! earlier attempt of the command began but did not see through.

use super::applied::Applied;
use super::checkpoint::{Checkpoint, EarlierWelcome};
use super::context::ProvisionContext;
use super::error::ApplyError;
use crate::domain::{LicenceEffect, SalesforceIds, WelcomeEmail};
use crate::salesforce::{CallError, SiteFacts};
use crate::store::WelcomeEmailState;

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
    if !cx.earlier().created_user() {
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

/// Sends the welcome email at most once, to a user created now or by an earlier attempt. The
/// intent is recorded before the call: a crash after it leaves the email unsent (state
/// `intended` on the lifecycle record), never sent twice.
pub(super) async fn welcome(
    cx: &ProvisionContext<'_>,
    user_id: &str,
    created_now: bool,
    steps: &mut Vec<String>,
) -> Result<Option<WelcomeEmailState>, ApplyError> {
    if !created_now && !cx.earlier().created_user() {
        return Ok(None);
    }
    match cx.welcome {
        WelcomeEmail::None => Ok(Some(WelcomeEmailState::NotWanted)),
        WelcomeEmail::SiteSetting => Ok(Some(left_to_site(cx.facts.site.as_ref(), steps))),
        WelcomeEmail::PasswordReset => match cx.earlier().welcome() {
            EarlierWelcome::Sent => {
                steps.push("welcome_email.sent".to_owned());
                Ok(Some(WelcomeEmailState::Sent))
            }
            EarlierWelcome::Intended => {
                // An earlier attempt stopped after asking, before hearing back: the email may
                // have gone out. At most once wins over at least once.
                steps.push("welcome_email.left_unsent".to_owned());
                Ok(Some(WelcomeEmailState::Intended))
            }
            EarlierWelcome::NotSent => reset_password(cx, user_id, steps).await,
        },
    }
}

/// What the site does about the welcome email, from its `Network` record: it sends one only
/// when it is active and its "Send welcome email" setting is on (Help: "Troubleshooting Steps
/// If Site Members Don't Receive Welcome Emails"). The org's email deliverability and verified
/// sending domains cannot be read through the API: docs/mapping.md lists them to check by hand.
pub(in crate::engine) fn left_to_site(
    site: Option<&SiteFacts>,
    steps: &mut Vec<String>,
) -> WelcomeEmailState {
    let (state, step) = match site {
        None => (
            WelcomeEmailState::SiteUnchecked,
            "welcome_email.by_site_unchecked:no_site_configured",
        ),
        Some(site) if !site.is_live() => (
            WelcomeEmailState::SiteNotActive,
            "welcome_email.not_sent:site_not_active",
        ),
        Some(site) if !site.sends_welcome_email => (
            WelcomeEmailState::SiteSendsNone,
            "welcome_email.not_sent:site_sends_no_welcome_email",
        ),
        Some(_) => (WelcomeEmailState::BySite, "welcome_email.by_site"),
    };
    steps.push(step.to_owned());
    state
}

/// The password reset that sends the welcome email, between its checkpoints.
async fn reset_password(
    cx: &ProvisionContext<'_>,
    user_id: &str,
    steps: &mut Vec<String>,
) -> Result<Option<WelcomeEmailState>, ApplyError> {
    cx.record(Checkpoint::WelcomeIntended).await?;
    if let Err(error) = cx.client.reset_password(user_id).await {
        // Salesforce answered with an error, so the reset did not happen and no email went
        // out: the retry may ask again. Without an answer it stays "intended".
        if matches!(error, CallError::Refused(_)) {
            cx.record(Checkpoint::WelcomeNotSent).await?;
        }
        return Err(error.into());
    }
    cx.record(Checkpoint::WelcomeSent).await?;
    steps.push("welcome_email.sent".to_owned());
    Ok(Some(WelcomeEmailState::Sent))
}
