//! The demo's sample deliveries: a partner signs up, an employee leaves, a contract ends.

use serde_json::json;

/// One delivery the demo sends, and what should become of it.
pub struct Sample {
    pub title: &'static str,
    pub source: &'static str,
    pub body: Vec<u8>,
    /// Standard Webhooks message id, for sources that use that scheme.
    pub message_id: Option<&'static str>,
}

/// The story the demo tells, in order.
pub fn story(now_rfc3339: &str) -> Vec<Sample> {
    vec![
        Sample {
            title: "a partner signs up on the partner portal",
            source: "partner-portal",
            message_id: Some("msg_demo_signup_u1"),
            body: json!({
                "type": "partner.user.signed_up",
                "id": "evt_demo_signup_u1",
                "occurred_at": now_rfc3339,
                "data": {
                    "partner_id": "P-100",
                    "user": {
                        "id": "u-1",
                        "email": "ada.lovelace@partner.example",
                        "first_name": "Ada",
                        "last_name": "Lovelace"
                    }
                }
            })
            .to_string()
            .into_bytes(),
        },
        Sample {
            title: "an employee of a customer leaves (BambooHR)",
            source: "bamboohr",
            message_id: None,
            body: json!({
                "employees": [{
                    "action": "Updated",
                    "changedFields": ["Employment Status"],
                    "fields": {
                        "Employment Status": "Terminated",
                        "Work Email": "grace.hopper@customer.example"
                    },
                    "id": "67890",
                    "timestamp": now_rfc3339
                }]
            })
            .to_string()
            .into_bytes(),
        },
        Sample {
            title: "a partner contract ends",
            source: "contracts",
            message_id: Some("msg_demo_contract_c42"),
            body: json!({
                "type": "contract.ended",
                "contract_id": "C-42",
                "account_key": "P-100",
                "ended_at": "2026-12-31",
                "people": ["u-1", "u-2"]
            })
            .to_string()
            .into_bytes(),
        },
    ]
}
