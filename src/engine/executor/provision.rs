//! The Salesforce part of a provision: read the subject, plan, and apply the difference — or
//! finish what an earlier attempt of the command began.
//!
//! A person the lifecycle record has never known is first written without a read, in one
//! request, when that is safe ([`Provisioning::new_person`]); a refusal of that request sends
//! the run on to the read, as for everyone else.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;

use super::outcome::Done;
use super::target::Target;
use crate::domain::{LicenceEffect, Provision, SalesforceIds};
use crate::engine::apply::{
    ApplyError, LICENSE_LIMIT_EXCEEDED, NewPerson, ProvisionContext, apply_new_person,
    apply_provision, finish_earlier_creation,
};
use crate::engine::licences::{LicenceCounts, free_in};
use crate::engine::plan::{
    Observed, ObservedProfile, ProvisionPlan, ProvisionPolicy, ProvisionWrites, plan_new_person,
    plan_provision,
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
    /// The org's free licences per type, shared with whoever else reads them.
    pub licences: LicenceCounts,
}

impl Provisioning {
    pub fn new(policy: ProvisionPolicy) -> Provisioning {
        Provisioning {
            policy,
            facts: Arc::new(OrgFactsCache::new(None)),
            profiles: Mutex::new(HashMap::new()),
            licences: LicenceCounts::default(),
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
        let started = Instant::now();
        if let Some(done) = self.new_person(target, claimed, intent, facts).await? {
            self.count_taken(&done, started);
            return Ok(done);
        }
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
        // The counts came with the read (or are trusted from a reading moments ago): a licence
        // type with none free parks the command before its Contact is written.
        let free = observed
            .licences
            .as_deref()
            .and_then(|counts| free_in(counts, &profile.licence))
            .or_else(|| self.licences.free(&profile.licence));
        if writes.as_ref().is_some_and(|w| w.takes_licence()) && free.is_some_and(|n| n <= 0) {
            return Err(ApplyError::no_licence(&profile.licence));
        }
        let cx = context(target, claimed, intent, profile, facts);
        let started = Instant::now();
        let mut done = match apply(&cx, &observed, writes).await {
            Err(e) if e.code() == LICENSE_LIMIT_EXCEEDED => {
                self.licences.exhausted(&profile.licence);
                return Err(e);
            }
            result => result?,
        };
        self.count_taken(&done, started);
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

    /// Writes a new person without reading the org first — the Contact upserted by its key, the
    /// user created on it, its permission sets and the read-back that checks it, in one
    /// request — when that is safe: adoption by email is off (nothing to look for), the
    /// lifecycle record knows neither a Contact nor a user for the person and no earlier attempt
    /// recorded progress, the profile is known from an earlier read, its licence type shows
    /// room, and the plan fits one request. `None` when the read must come first, or when the
    /// org refused the Contact or the user (the Contact already has a user, an Account not
    /// eligible, no free licence): the read then tells what to do, the refusal costing one call.
    async fn new_person(
        &self,
        target: &Target<'_>,
        claimed: &ClaimedCommand,
        intent: &Provision,
        facts: &OrgFacts,
    ) -> Result<Option<Done>, ApplyError> {
        let known = claimed.subject.contact_id.is_some() || claimed.subject.user_id.is_some();
        if self.policy.adopt_by_email || known || !claimed.progress.is_empty() {
            return Ok(None);
        }
        let Some(profile) = self.profiles.lock().get(&intent.profile).cloned() else {
            return Ok(None);
        };
        if !self.licences.has_room(&profile.licence) {
            return Ok(None);
        }
        let Some(writes) = plan_new_person(intent, &profile, &target.keys.account) else {
            return Ok(None);
        };
        let cx = context(target, claimed, intent, &profile, facts);
        match apply_new_person(&cx, writes).await? {
            NewPerson::Applied(applied) => Ok(Some(Done::Changed(applied))),
            NewPerson::NotCreated(refusal) => {
                if refusal.code == LICENSE_LIMIT_EXCEEDED {
                    self.licences.exhausted(&profile.licence);
                }
                tracing::info!(
                    code = refusal.code,
                    "the org refused the new person written without a read: reading it first"
                );
                Ok(None)
            }
        }
    }

    /// Counts a licence taken by a user created (or made active again) now.
    fn count_taken(&self, done: &Done, write_started: Instant) {
        if let Done::Changed(applied) = done
            && let LicenceEffect::Consumed { licence } = &applied.licence_effect
        {
            self.licences.take(licence, write_started);
        }
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
        // Counts past trusting, none free by them for this profile, or a person who may need
        // a licence now (no active user known): read them along, so that a full licence type
        // parks the command before any write, and the next new person may go in one call
        // again once licences are free. The query rides in the read's first request.
        let read_licences = self.licences.stale()
            || claimed.subject.state != SubjectState::Provisioned
            || cached
                .as_ref()
                .is_some_and(|p| !self.licences.has_room(&p.licence));
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
                read_licences,
            },
        )
        .await?;
        if let Some(counts) = &observed.licences {
            self.licences.refresh(counts);
        }
        if let Some(profile) = &observed.profile {
            self.profiles
                .lock()
                .insert(intent.profile.clone(), profile.clone());
        }
        Ok(observed)
    }
}

/// What applying a provision needs besides the plan.
fn context<'a>(
    target: &Target<'a>,
    claimed: &'a ClaimedCommand,
    intent: &Provision,
    profile: &'a ObservedProfile,
    facts: &'a OrgFacts,
) -> ProvisionContext<'a> {
    ProvisionContext {
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
