//! The Contact a provision writes: the keyed one (never moved between Accounts), one adopted
//! by email in the same Account, or a new one upserted by key.

use serde_json::{Map, Value, json};

use super::{ContactWrite, ProvisionPlan, ProvisionPolicy, refusal, same_id};
use crate::domain::Provision;
use crate::engine::plan::observed::{Observed, ObservedContact};

/// The Contact write, or the refusal when the keyed Contact is elsewhere or several could be
/// adopted.
pub(super) fn plan_contact(
    intent: &Provision,
    subject_key: &str,
    observed: &Observed,
    policy: &ProvisionPolicy,
    account_id: &str,
) -> Result<ContactWrite, ProvisionPlan> {
    if let Some(keyed) = &observed.keyed_contact {
        if !keyed
            .account_id
            .as_deref()
            .is_some_and(|a| same_id(a, account_id))
        {
            return Err(refusal(
                "CONTACT_IN_OTHER_ACCOUNT",
                format!(
                    "Contact {} carries key {subject_key} but belongs to Account {}, not {account_id}; Gatehouse never moves a Contact between Accounts",
                    keyed.id,
                    keyed.account_id.as_deref().unwrap_or("(none)")
                ),
            ));
        }
        let fields = contact_diff(intent, keyed);
        return Ok(if fields.is_empty() {
            ContactWrite::Keep {
                id: keyed.id.clone(),
            }
        } else {
            ContactWrite::Update {
                id: keyed.id.clone(),
                fields,
            }
        });
    }
    let candidates: Vec<&ObservedContact> = if policy.adopt_by_email {
        observed
            .adoptable
            .iter()
            .filter(|c| c.key.is_none())
            .filter(|c| {
                c.account_id
                    .as_deref()
                    .is_some_and(|a| same_id(a, account_id))
            })
            .filter(|c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(&intent.contact.email))
            })
            .collect()
    } else {
        Vec::new()
    };
    match candidates.as_slice() {
        [] => {
            let mut fields = contact_fields(intent);
            fields.insert("AccountId".into(), json!(account_id));
            Ok(ContactWrite::Upsert { fields })
        }
        [one] => {
            let mut fields = contact_diff(intent, one);
            fields.insert(policy.contact_key_field.clone(), json!(subject_key));
            Ok(ContactWrite::Adopt {
                id: one.id.clone(),
                fields,
            })
        }
        several => Err(refusal(
            "AMBIGUOUS_CONTACT",
            format!(
                "{} Contacts in Account {account_id} have this email and no key; set {} on the right one",
                several.len(),
                policy.contact_key_field
            ),
        )),
    }
}

/// The Contact fields the intent sets.
pub(super) fn contact_fields(intent: &Provision) -> Map<String, Value> {
    let mut fields = Map::new();
    if let Some(first) = &intent.contact.first_name {
        fields.insert("FirstName".into(), json!(first));
    }
    fields.insert("LastName".into(), json!(intent.contact.last_name));
    fields.insert("Email".into(), json!(intent.contact.email));
    for (name, value) in &intent.contact.extra {
        fields.insert(name.clone(), value.clone());
    }
    fields
}

fn contact_diff(intent: &Provision, have: &ObservedContact) -> Map<String, Value> {
    let mut fields = Map::new();
    differ(
        &mut fields,
        "FirstName",
        have.first_name.as_deref(),
        intent.contact.first_name.as_deref(),
    );
    differ(
        &mut fields,
        "LastName",
        have.last_name.as_deref(),
        Some(&intent.contact.last_name),
    );
    let email_same = have
        .email
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case(&intent.contact.email));
    if !email_same {
        fields.insert("Email".into(), json!(intent.contact.email));
    }
    // Extra fields are written on creation and adoption only: the read does not fetch them,
    // so comparing would always differ.
    fields
}

pub(super) fn differ(
    fields: &mut Map<String, Value>,
    name: &str,
    have: Option<&str>,
    want: Option<&str>,
) {
    if let Some(want) = want
        && have != Some(want)
    {
        fields.insert(name.to_owned(), json!(want));
    }
}
