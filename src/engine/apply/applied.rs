//! What applying a plan did, for the executor's outcome and the lifecycle record.

use crate::domain::{LicenceEffect, SalesforceIds};
use crate::store::WelcomeEmailState;

/// What applying a plan did.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub ids: SalesforceIds,
    pub steps: Vec<String>,
    pub licence_effect: LicenceEffect,
    /// Username and nickname of a user created now (after collision handling).
    pub username: Option<String>,
    pub nickname: Option<String>,
    pub welcome_email: Option<WelcomeEmailState>,
    /// The User's new Email, which Salesforce applied at once and left unverified.
    pub email_change: Option<String>,
    /// Whether the org was changed at all (a deprovision of a known user may find nothing to do).
    pub changed: bool,
}
