//! The Salesforce part of a provision: read the subject, plan, and apply the difference — or
//! finish what an earlier attempt of the command began.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use super::outcome::Done;
use super::target::Target;
use crate::domain::{Provision, SalesforceIds};
use crate::engine::apply::{
    ApplyError, ProvisionContext, apply_provision, finish_earlier_creation,
};
use crate::engine::plan::{
    Observed, ObservedProfile, ProvisionPlan, ProvisionPolicy, ProvisionWrites, plan_provision,
};
use crate::engine::read::{ReadFor, observe};
use crate::salesforce::{DescribeError, OrgFacts, OrgFactsCache};
use crate::store::{ClaimedCommand, SubjectState};

/// What provisions share across commands: the policy, the org's shape, and the profiles
/// already read.
pub(in crate::engine) struct Provisioning {
    pub policy: ProvisionPolicy,
    /// Read once (at start-up, or by the first provision when that failed).
    pub facts: Arc<OrgFactsCache>,
    /// Profiles by name: they change rarely, and knowing one saves a query per command.
    pub(in crate::engine) profiles: Mutex<HashMap<String, ObservedProfile>>,
}

impl Provisioning {
    pub fn new(policy: ProvisionPolicy) -> Provisioning {
        Provisioning {
            policy,
            facts: Arc::new(OrgFactsCache::new(None)),
            profiles: Mutex::new(HashMap::new()),
        }
    }

    /// The licence of the profile by this name, when it was read before: what a provision
    /// refused for want of licences waits for.
    pub fn licence_of(&self, profile: &str) -> Option<String> {
        self.profiles.lock().get(profile).map(|p| p.licence.clone())
    }

    /// Reads the subject, plans, and applies the plan.
    pub async fn converge(
        &self,
        target: &Target<'_>,
        claimed: &ClaimedCommand,
        intent: &Provision,
    ) -> Result<Done, ApplyError> {
        let facts = self.facts.get(target.client).await.map_err(facts_error)?;
        let observed = self.read(target, claimed, intent, facts).await?;
        let plan = plan_provision(
            intent,
            claimed.command.subject.as_str(),
            &observed,
            &self.policy,
        );
        let writes = match plan {
            ProvisionPlan::Refuse(refusal) => return Err(ApplyError::Refused(refusal)),
            ProvisionPlan::NoChange => None,
            ProvisionPlan::Write(writes) => Some(writes),
        };
        let Some(profile) = &observed.profile else {
            return Err(ApplyError::refused(
                "PROFILE_NOT_FOUND",
                format!("no profile named '{}'", intent.profile),
            ));
        };
        let cx = ProvisionContext {
            client: target.client,
            store: target.store,
            command: &claimed.command.id,
            fence: target.hold.fence(),
            subject: &claimed.command.subject,
            keys: target.keys,
            profile,
            welcome: intent.welcome_email,
            facts,
            progress: &claimed.progress,
        };
        let mut done = apply(&cx, &observed, writes).await?;
        // A user found rather than created (or created by an earlier attempt) still gets its
        // names onto the lifecycle record.
        if let (Done::Changed(applied), Some(user)) = (&mut done, &observed.user)
            && applied.username.is_none()
        {
            applied.username = Some(user.username.clone());
            applied.nickname = user.nickname.clone();
        }
        Ok(done)
    }

    /// Reads what the org has for the subject, remembering the profile for later commands.
    async fn read(
        &self,
        target: &Target<'_>,
        claimed: &ClaimedCommand,
        intent: &Provision,
        facts: &OrgFacts,
    ) -> Result<Observed, ApplyError> {
        let cached = self.profiles.lock().get(&intent.profile).cloned();
        let observed = observe(
            target.client,
            &claimed.command.subject,
            target.keys,
            ReadFor::Provision {
                intent,
                adopt_by_email: self.policy.adopt_by_email,
                cached_profile: cached,
                // A freeze made by hand in Setup is not Gatehouse's to lift; one Gatehouse made
                // is, and only then is the login read (it needs Manage Users).
                read_login: claimed.subject.state == SubjectState::Frozen,
                partner_accounts: facts.partner_accounts,
            },
        )
        .await?;
        if let Some(profile) = &observed.profile {
            self.profiles
                .lock()
                .insert(intent.profile.clone(), profile.clone());
        }
        Ok(observed)
    }
}

/// A failed read of the org's shape: a call's failure as any call's; a configured site the org
/// does not have is a configuration mistake, refused at once.
fn facts_error(error: DescribeError) -> ApplyError {
    match error {
        DescribeError::Call(call) => ApplyError::Call(call),
        site @ DescribeError::SiteNotFound(_) => {
            ApplyError::refused("SITE_NOT_FOUND", site.to_string())
        }
    }
}

/// Applies the plan's writes, or — when the org already matches — finishes what an earlier
/// attempt began.
async fn apply(
    cx: &ProvisionContext<'_>,
    observed: &Observed,
    writes: Option<Box<ProvisionWrites>>,
) -> Result<Done, ApplyError> {
    let account_id = observed.account.as_ref().map(|a| a.id.clone());
    let Some(writes) = writes else {
        let ids = SalesforceIds {
            account_id,
            contact_id: observed.keyed_contact.as_ref().map(|c| c.id.clone()),
            user_id: observed.user.as_ref().map(|u| u.id.clone()),
        };
        // An earlier attempt may have created the user and stopped before the end (a crash, a
        // lost answer): the org matches, but its welcome email may be owed.
        return Ok(match finish_earlier_creation(cx, ids.clone()).await? {
            Some(applied) => Done::Changed(applied),
            None => Done::Unchanged {
                ids,
                licence: Some(cx.profile.licence.clone()),
                why: "the org already matches",
                names: observed
                    .user
                    .as_ref()
                    .map(|u| (u.username.clone(), u.nickname.clone())),
            },
        });
    };
    let mut applied = apply_provision(cx, *writes).await?;
    applied.ids.account_id = account_id;
    Ok(Done::Changed(applied))
}
