//! What the Salesforce part of one run works on.

use crate::engine::lease::ClaimHold;
use crate::engine::read::KeyFields;
use crate::salesforce::SalesforceClient;
use crate::store::Store;

/// The org of one run (its client metered for the run and halted when its claim is lost), the
/// store that keeps checkpoints, the run's hold on its claim, and the key fields records are
/// found by.
pub(in crate::engine) struct Target<'a> {
    pub client: &'a SalesforceClient,
    pub store: &'a Store,
    pub hold: &'a ClaimHold,
    pub keys: &'a KeyFields,
}
