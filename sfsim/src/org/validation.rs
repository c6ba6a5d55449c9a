//! Validation rules aimed at single records: the update of a named record is refused with the
//! rule's error, as an org's own validation rule refuses a record whose values break it. Tests
//! arm them to see one record of a batch refused while the others are saved.
//!
//! Salesforce answers a failed validation rule with `FIELD_CUSTOM_VALIDATION_EXCEPTION` and
//! the rule's error message ("StatusCode", SOAP API Developer Guide, core data types:
//! <https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm>;
//! "Validation Rules", Salesforce Help:
//! <https://help.salesforce.com/s/articleView?id=platform.fields_about_field_validation.htm&type=5>).
//! In an sObject Collection with `allOrNone: false` the refusal is that record's own result;
//! the other records are saved.

use serde::{Deserialize, Serialize};

use super::Org;
use super::refusals::refuse;
use crate::error::ApiError;
use crate::ids;

/// The code of a failed validation rule.
pub const VALIDATION_FAILED: &str = "FIELD_CUSTOM_VALIDATION_EXCEPTION";

/// A rule refusing updates of one record, as posted to `/__sim/faults/records`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordRefusal {
    /// The record (15 or 18 characters).
    pub id: String,
    #[serde(
        rename = "errorCode",
        alias = "error_code",
        default = "validation_failed"
    )]
    pub error_code: String,
    #[serde(default = "default_message")]
    pub message: String,
    #[serde(default)]
    pub fields: Vec<String>,
    /// Updates still to refuse; absent: every one until the rules are cleared.
    #[serde(default)]
    pub remaining: Option<u32>,
}

fn validation_failed() -> String {
    VALIDATION_FAILED.to_owned()
}

fn default_message() -> String {
    "This record cannot be changed: a validation rule refuses it".to_owned()
}

impl Org {
    /// Arms a rule refusing updates of one record.
    pub fn refuse_updates(&mut self, mut refusal: RecordRefusal) -> Result<(), String> {
        refusal.id =
            ids::to18(&refusal.id).ok_or_else(|| format!("{:?} is not an id", refusal.id))?;
        self.record_refusals.push(refusal);
        Ok(())
    }

    /// The armed rules, with what remains of each.
    pub fn record_refusals(&self) -> &[RecordRefusal] {
        &self.record_refusals
    }

    /// The armed rules, to put back should arming several fail part-way.
    pub fn clone_refusals_for_rollback(&self) -> Vec<RecordRefusal> {
        self.record_refusals.clone()
    }

    /// Puts back rules taken with [`Org::clone_refusals_for_rollback`].
    pub fn restore_refusals(&mut self, rules: Vec<RecordRefusal>) {
        self.record_refusals = rules;
    }

    /// Clears every rule.
    pub fn clear_record_refusals(&mut self) {
        self.record_refusals.clear();
    }

    /// The refusal of an update of record `id` (18 characters), when a rule aims at it.
    pub(super) fn validate_update(&mut self, id: &str) -> Result<(), ApiError> {
        let Some(at) = self.record_refusals.iter().position(|r| r.id == id) else {
            return Ok(());
        };
        let rule = self.record_refusals[at].clone();
        match rule.remaining {
            Some(0 | 1) => {
                self.record_refusals.remove(at);
            }
            Some(n) => self.record_refusals[at].remaining = Some(n - 1),
            None => {}
        }
        let fields: Vec<&str> = rule.fields.iter().map(String::as_str).collect();
        Err(refuse(&rule.error_code, rule.message, &fields))
    }
}

#[cfg(test)]
mod tests;
