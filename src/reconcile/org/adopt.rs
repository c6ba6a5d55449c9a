//! Adopting an external user created outside Gatehouse: the org is asked about the user (two
//! calls), the key is the one the operator names or else the Contact's, and the store creates
//! the lifecycle record with who adopted them and when in its history.

use serde::Serialize;
use thiserror::Error;

use super::Reconciler;
use crate::domain::SubjectKey;
use crate::salesforce::{CallError, soql};
use crate::store::{Adoption, StoreError, SubjectState};

/// Why a user could not be adopted; nothing was written.
#[derive(Debug, Error)]
pub enum AdoptError {
    #[error("reading the user from the org")]
    Org(#[source] CallError),
    #[error("the org has no user with id '{0}'")]
    NoSuchUser(String),
    #[error("user '{0}' has no Contact: only external users can be adopted")]
    NotExternal(String),
    #[error(
        "user '{0}' has no usable key on their Contact; name one with \"subject\" (the key their source files them under)"
    )]
    NoKey(String),
    #[error("'{key}' cannot be a subject key: {reason}")]
    BadKey { key: String, reason: String },
    #[error("recording the adoption")]
    Store(#[source] StoreError),
}

/// What an adoption made.
#[derive(Debug, Clone, Serialize)]
pub struct Adopted {
    pub subject_key: String,
    pub user_id: String,
    pub contact_id: Option<String>,
    pub account_id: Option<String>,
    pub state: SubjectState,
    pub actor: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl Reconciler {
    /// Links the external user `user_id` to a new lifecycle record under `key` (the Contact's
    /// key when `None`), recorded as done by `actor` now. The record's state is what the org
    /// shows: provisioned, frozen or deactivated.
    pub async fn adopt(
        &self,
        user_id: &str,
        key: Option<&str>,
        actor: &str,
    ) -> Result<Adopted, AdoptError> {
        let adoption = self.adoption(user_id, key, actor).await?;
        self.store
            .adopt_subject(&adoption)
            .await
            .map_err(AdoptError::Store)?;
        tracing::info!(
            subject = adoption.subject.as_str(),
            user_id = adoption.user_id,
            actor,
            "an external user was adopted"
        );
        Ok(Adopted {
            subject_key: adoption.subject.as_str().to_owned(),
            user_id: adoption.user_id,
            contact_id: adoption.contact_id,
            account_id: adoption.account_id,
            state: adoption.state,
            actor: adoption.actor,
            at: adoption.at,
        })
    }

    /// What the org says of the user, as the adoption to record.
    async fn adoption(
        &self,
        user_id: &str,
        key: Option<&str>,
        actor: &str,
    ) -> Result<Adoption, AdoptError> {
        let field = &self.contact_key_field;
        let found = self
            .client
            .query(&format!(
                "SELECT Id, IsActive, IsPortalEnabled, Username, CommunityNickname, AccountId, \
                 ContactId, Contact.{field}, Profile.UserLicense.Name FROM User WHERE Id = {}",
                soql::quote(user_id)
            ))
            .await
            .map_err(AdoptError::Org)?;
        let user = found
            .records
            .first()
            .ok_or_else(|| AdoptError::NoSuchUser(user_id.to_owned()))?;
        let user_id = user.id().unwrap_or(user_id).to_owned();
        let contact_id = user.text("ContactId").map(str::to_owned);
        if contact_id.is_none() {
            return Err(AdoptError::NotExternal(user_id));
        }
        let contact_key = user
            .parent("Contact")
            .and_then(|c| c.text(field).map(str::to_owned));
        let text = key
            .map(str::to_owned)
            .or(contact_key)
            .ok_or_else(|| AdoptError::NoKey(user_id.clone()))?;
        let subject = SubjectKey::parse(&text).map_err(|e| AdoptError::BadKey {
            key: text.clone(),
            reason: e.to_string(),
        })?;
        let frozen = self
            .client
            .query(&format!(
                "SELECT UserId FROM UserLogin WHERE IsFrozen = true AND UserId = {}",
                soql::quote(&user_id)
            ))
            .await
            .map_err(AdoptError::Org)?;
        let active =
            user.flag("IsActive").unwrap_or(false) && user.flag("IsPortalEnabled").unwrap_or(true);
        let state = match (active, frozen.records.is_empty()) {
            (false, _) => SubjectState::Deactivated,
            (true, false) => SubjectState::Frozen,
            (true, true) => SubjectState::Provisioned,
        };
        Ok(Adoption {
            subject,
            user_id,
            contact_id,
            account_id: user.text("AccountId").map(str::to_owned),
            username: user.text("Username").map(str::to_owned),
            nickname: user.text("CommunityNickname").map(str::to_owned),
            licence: user
                .parent("Profile")
                .and_then(|p| p.parent("UserLicense"))
                .and_then(|l| l.text("Name").map(str::to_owned)),
            state,
            actor: actor.to_owned(),
            at: self.clock.now(),
        })
    }
}
