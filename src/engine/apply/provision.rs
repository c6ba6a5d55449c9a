//! Applying a provision, in named steps whose order — and the checkpoints recorded before the
//! calls that must not be repeated blindly — read from [`apply_provision`] (`write`, then
//! `settle`):
//!
//! 1. the first write: the Contact, an existing user's changes, an unfreeze, a role;
//! 2. for a new user, username candidates: the creation rides in the first write and collisions
//!    retry only the user, with the next candidates;
//! 3. permission sets and, for a new user, the read-back that checks it — in the creation's
//!    own request when their queries fit, so that a new user is one write;
//! 4. the welcome email, at most once.
//!
//! [`apply_new_person`] runs the same steps for a new person planned without a read, but hands
//! a refusal of the Contact or the user back to its caller (who reads the org next) instead of
//! ending on it.
//!
//! The Contact (a non-setup object) and the User (a setup object) go in one composite with
//! `allOrNone: false`: Salesforce refuses them in one all-or-none transaction
//! (`MIXED_DML_OPERATION`), and a partial result converges on the next run anyway, because
//! the Contact is found by its key and the user by its Contact.

mod candidates;
mod first_write;
mod read_back;

use self::candidates::Creation;
use super::applied::Applied;
use super::checkpoint::Checkpoint;
use super::context::ProvisionContext;
use super::error::{AfterCreation, ApplyError};
use super::welcome::welcome;
use crate::domain::{LicenceEffect, Refusal, SalesforceIds};
use crate::engine::plan::{ProvisionWrites, UserWrite};
use crate::salesforce::{CallError, CompositeResponse, SalesforceError};

pub(in crate::engine) use candidates::Candidates;
pub use candidates::MAX_CANDIDATES;
pub(in crate::engine) use first_write::{change_steps, contact_step};

/// Applies the writes of a provision plan.
pub async fn apply_provision(
    cx: &ProvisionContext<'_>,
    writes: ProvisionWrites,
) -> Result<Applied, ApplyError> {
    let mut steps = Vec::new();
    match write(cx, &writes, &mut steps).await? {
        Creation::Made { written, checks } => settle(cx, writes, written, checks, steps).await,
        Creation::Refused(e) => Err(CallError::Refused(e).into()),
    }
}

/// What writing a new person without a read first came to.
pub enum NewPerson {
    Applied(Applied),
    /// The org refused the Contact or the user (the Contact already has a user, an Account not
    /// eligible, no free licence…): no user was made, and the progress says so; a read tells
    /// what to do next.
    NotCreated(SalesforceError),
}

/// Applies the writes of a new person planned without a read (see `plan::plan_new_person`):
/// one request when nothing collides. A refusal of the Contact or the user is handed back
/// rather than ended on, for the caller to read the org and carry on.
pub async fn apply_new_person(
    cx: &ProvisionContext<'_>,
    writes: ProvisionWrites,
) -> Result<NewPerson, ApplyError> {
    let mut steps = Vec::new();
    match write(cx, &writes, &mut steps).await? {
        Creation::Made { written, checks } => Ok(NewPerson::Applied(
            settle(cx, writes, written, checks, steps).await?,
        )),
        Creation::Refused(e) => {
            // The org answered: no user was made. A rerun must not take a user it then finds
            // on the Contact (made by someone else) for this command's own.
            cx.record(Checkpoint::UserNotCreated).await?;
            Ok(NewPerson::NotCreated(e))
        }
    }
}

/// The first write, with the user's creation (and what rides along) when the plan makes one.
async fn write(
    cx: &ProvisionContext<'_>,
    writes: &ProvisionWrites,
    steps: &mut Vec<String>,
) -> Result<Creation, ApplyError> {
    let first = first_write::request(cx, writes);
    Ok(match &writes.user {
        // Checkpoints `UserCreating` before the first write, `UserCreated` after its answer.
        UserWrite::Create { fields } => {
            let ride = read_back::rides_along(writes);
            candidates::create_user(cx, writes, first, fields, ride, steps).await?
        }
        _ => Creation::Made {
            written: first_write::send(cx, writes, first, steps).await?,
            checks: None,
        },
    })
}

/// After the first write: the permission sets and read-back (unless they rode along), the
/// welcome email, and what the provision did.
async fn settle(
    cx: &ProvisionContext<'_>,
    writes: ProvisionWrites,
    written: Written,
    checks: Option<CompositeResponse>,
    mut steps: Vec<String>,
) -> Result<Applied, ApplyError> {
    let (user_id, contact_id) = written.ids()?;
    let ids = read_back::NewIds {
        user: &user_id,
        contact: &contact_id,
    };
    let created = written.created.is_some();
    let checked = match &checks {
        Some(response) => read_back::check_creation(cx, &writes, response, &ids, &mut steps),
        None => read_back::assign_and_verify(cx, &writes, &ids, created, &mut steps)
            .await
            .map(|()| None),
    };
    let account_id = match checked {
        Err(ApplyError::Refused(refusal)) if created => {
            return Err(refused_after_creation(cx, refusal, &written, &ids, steps));
        }
        result => result?,
    };
    let created_earlier = written.created.is_none() && cx.earlier().created_user();
    if created_earlier {
        steps.push("user.created".to_owned());
    }
    // Checkpoints `WelcomeIntended` before the reset, `WelcomeSent` or `WelcomeNotSent` after.
    let welcome_email = welcome(cx, &user_id, written.created.is_some(), &mut steps).await?;
    let (username, nickname) = written.created.unzip();
    let licence_effect = if username.is_some() || created_earlier || written.reactivated {
        LicenceEffect::Consumed {
            licence: cx.profile.licence.clone(),
        }
    } else {
        LicenceEffect::Unchanged
    };
    Ok(Applied {
        ids: SalesforceIds {
            account_id,
            contact_id: Some(contact_id),
            user_id: Some(user_id),
        },
        steps,
        licence_effect,
        username,
        nickname,
        welcome_email,
        email_change: writes.email_change,
        changed: true,
    })
}

/// A refusal after the user was created now (a permission set the org lacks, a failed
/// verification). The user stays — deleting users is not possible in Salesforce — so its
/// licence is taken: the outcome records that, with what was done, and the message says how to
/// give the licence back.
fn refused_after_creation(
    cx: &ProvisionContext<'_>,
    mut refusal: Refusal,
    written: &Written,
    ids: &read_back::NewIds<'_>,
    steps: Vec<String>,
) -> ApplyError {
    let licence = cx.profile.licence.clone();
    refusal.message = format!(
        "{}. User {} was created and holds a {licence} licence: once the cause is fixed, replay the command (the user is found, not created again), or deprovision the person to give the licence back",
        refusal.message, ids.user
    );
    let (username, nickname) = written.created.clone().unzip();
    ApplyError::RefusedAfterCreation(Box::new(AfterCreation {
        refusal,
        applied: Applied {
            ids: SalesforceIds {
                account_id: None,
                contact_id: Some(ids.contact.to_owned()),
                user_id: Some(ids.user.to_owned()),
            },
            steps,
            licence_effect: LicenceEffect::Consumed { licence },
            username,
            nickname,
            welcome_email: None,
            email_change: None,
            changed: true,
        },
    }))
}

/// What the first write (with its collision retries) left.
struct Written {
    contact_id: Option<String>,
    user_id: Option<String>,
    /// Username and nickname of a user created now.
    created: Option<(String, String)>,
    /// Whether an inactive user was made active again (which takes a licence).
    reactivated: bool,
}

impl Written {
    /// The user's and the Contact's ids, which every successful first write knows.
    fn ids(&self) -> Result<(String, String), ApplyError> {
        let user = self.user_id.clone().ok_or_else(|| {
            ApplyError::refused("UNEXPECTED_ANSWER", "no user id after provisioning")
        })?;
        let contact = self.contact_id.clone().ok_or_else(|| {
            ApplyError::refused("UNEXPECTED_ANSWER", "no Contact id after provisioning")
        })?;
        Ok((user, contact))
    }
}
