//! The Salesforce part of a provision: read the subject, plan, and apply the difference — or
//! finish what an earlier attempt of the command began.

use serde_json::json;

use super::{Done, Executor};
use crate::domain::{Provision, Refusal, SalesforceIds};
use crate::engine::apply::{
    ApplyError, ProvisionContext, apply_provision, finish_earlier_creation,
};
use crate::engine::plan::{ProvisionPlan, plan_provision};
use crate::engine::read::{ReadFor, observe};
use crate::salesforce::SalesforceClient;
use crate::store::ClaimedCommand;

impl Executor {
    pub(super) async fn provision(
        &self,
        client: &SalesforceClient,
        claimed: &ClaimedCommand,
        intent: &Provision,
    ) -> Result<Done, ApplyError> {
        let cached = self.profiles.lock().get(&intent.profile).cloned();
        let observed = observe(
            client,
            &claimed.command.subject,
            &self.keys,
            ReadFor::Provision {
                intent,
                adopt_by_email: self.policy.adopt_by_email,
                cached_profile: cached,
            },
        )
        .await?;
        if let Some(profile) = &observed.profile {
            self.profiles
                .lock()
                .insert(intent.profile.clone(), profile.clone());
        }
        // An Email change asked for earlier — by an earlier attempt of this command, or by an
        // earlier command for the person — may still wait for their confirmation: Salesforce
        // keeps the old address meanwhile, and asking again would mail them again.
        let pending_email = claimed
            .progress
            .get("email_change")
            .and_then(|v| v.as_str())
            .or(claimed.subject.pending_email.as_deref());
        let plan = plan_provision(
            intent,
            claimed.command.subject.as_str(),
            &observed,
            &self.policy,
            pending_email,
        );
        let account_id = observed.account.as_ref().map(|a| a.id.clone());
        let names = observed
            .user
            .as_ref()
            .map(|u| (u.username.clone(), u.nickname.clone()));
        let profile = match (&plan, observed.profile.as_ref()) {
            (ProvisionPlan::Refuse(refusal), _) => {
                return Err(ApplyError::Refused(refusal.clone()));
            }
            (_, Some(profile)) => profile,
            (_, None) => {
                return Err(ApplyError::Refused(Refusal {
                    code: "PROFILE_NOT_FOUND".into(),
                    message: format!("no profile named '{}'", intent.profile),
                    fields: vec![],
                    status: None,
                }));
            }
        };
        let cx = ProvisionContext {
            client,
            store: &self.store,
            command: &claimed.command.id,
            subject: &claimed.command.subject,
            keys: &self.keys,
            profile,
            welcome: intent.welcome_email,
            progress: &claimed.progress,
        };
        let mut done = match plan {
            ProvisionPlan::Refuse(refusal) => return Err(ApplyError::Refused(refusal)),
            ProvisionPlan::NoChange => {
                let ids = SalesforceIds {
                    account_id: account_id.clone(),
                    contact_id: observed.keyed_contact.as_ref().map(|c| c.id.clone()),
                    user_id: observed.user.as_ref().map(|u| u.id.clone()),
                };
                // An earlier attempt may have created the user and stopped before the end (a
                // crash, a lost answer): the org matches, but its welcome email may be owed.
                match finish_earlier_creation(&cx, ids.clone()).await? {
                    Some(applied) => Done::Changed(applied),
                    None => Done::Unchanged {
                        ids,
                        licence: Some(profile.licence.clone()),
                        why: "the org already matches",
                        names: names.clone(),
                    },
                }
            }
            ProvisionPlan::Write(writes) => {
                if let Some(email) = &writes.email_change {
                    self.store
                        .record_progress(&claimed.command.id, "email_change", json!(email))
                        .await?;
                }
                let mut applied = apply_provision(&cx, *writes).await?;
                applied.ids.account_id = account_id;
                Done::Changed(applied)
            }
        };
        // A user found rather than created (or created by an earlier attempt) still gets its
        // names onto the lifecycle record.
        if let (Done::Changed(applied), Some((username, nickname))) = (&mut done, names)
            && applied.username.is_none()
        {
            applied.username = Some(username);
            applied.nickname = nickname;
        }
        Ok(done)
    }
}
