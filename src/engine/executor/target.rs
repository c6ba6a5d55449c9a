//! What the Salesforce part of one run works on.

use crate::engine::read::KeyFields;
use crate::salesforce::SalesforceClient;
use crate::store::Store;

/// The org of one run (its client metered for the run), the store that keeps checkpoints, and
/// the key fields records are found by.
pub(super) struct Target<'a> {
    pub client: &'a SalesforceClient,
    pub store: &'a Store,
    pub keys: &'a KeyFields,
}
