//! The Salesforce part of a deprovision: one call when the lifecycle record knows the user,
//! else read, plan and apply.

use super::outcome::Done;
use super::target::Target;
use crate::domain::{Deprovision, SalesforceIds};
use crate::engine::apply::{ApplyError, apply_deprovision, deprovision_known_user};
use crate::engine::plan::{DeprovisionPlan, plan_deprovision};
use crate::engine::read::{ReadFor, observe};
use crate::store::{ClaimedCommand, SubjectState};

/// Deprovisions the subject: the known user in one call, or read, plan and apply.
pub(super) async fn converge(
    target: &Target<'_>,
    claimed: &ClaimedCommand,
    intent: &Deprovision,
) -> Result<Done, ApplyError> {
    let subject = &claimed.subject;
    if let (Some(user_id), Some(licence)) = (&subject.user_id, &subject.licence)
        && let Some(applied) = deprovision_known_user(
            target.client,
            user_id,
            intent.mode,
            licence,
            subject.state == SubjectState::Frozen,
        )
        .await?
    {
        return Ok(if applied.changed {
            Done::Changed(applied)
        } else {
            Done::Unchanged {
                ids: applied.ids,
                licence: Some(licence.clone()),
                why: "the user is already out",
                names: None,
            }
        });
    }
    let observed = observe(
        target.client,
        &claimed.command.subject,
        target.keys,
        ReadFor::Deprovision {
            freezing: intent.mode.freezes(),
        },
    )
    .await?;
    let user_id = observed.user.as_ref().map(|u| u.id.clone());
    let licence = observed.user.as_ref().and_then(|u| u.licence.clone());
    match plan_deprovision(intent.mode, &observed) {
        DeprovisionPlan::NoChange { why } => Ok(Done::Unchanged {
            ids: SalesforceIds {
                user_id,
                ..SalesforceIds::default()
            },
            licence,
            why,
            names: None,
        }),
        DeprovisionPlan::Write {
            writes,
            licence_effect,
        } => Ok(Done::Changed(
            apply_deprovision(target.client, &writes, user_id, licence_effect).await?,
        )),
    }
}
