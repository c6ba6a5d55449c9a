//! `gatehouse mapping test --plan`: what the commands would write to the org, found with
//! read-only calls. Nothing is written, so it is safe against a production org.

use std::sync::Arc;

use anyhow::Context;

use crate::clock::SystemClock;
use crate::config::Settings;
use crate::domain::{Intent, Provision, SubjectKey};
use crate::engine::plan::{
    ContactWrite, DeprovisionPlan, DeprovisionWrite, ProvisionPlan, ProvisionPolicy,
    ProvisionWrites, UserWrite, plan_deprovision, plan_provision,
};
use crate::engine::read::{KeyFields, ReadFor, observe};
use crate::mapping::MappedCommand;
use crate::salesforce::{OrgFactsCache, SalesforceClient, connect};

/// Reads the org for each command and describes the writes the engine would make.
pub async fn describe(settings: &Settings, commands: &[MappedCommand]) -> anyhow::Result<String> {
    let org = settings
        .salesforce
        .as_ref()
        .context("--plan reads the org, and the config names none ([salesforce])")?;
    let connection = connect(org, Arc::new(SystemClock))
        .await
        .context("connecting to the Salesforce org")?;
    let client = connection.client().clone();
    let keys = KeyFields {
        contact: org.contact_key_field().to_owned(),
        account: org.account_key_field().to_owned(),
    };
    let policy = ProvisionPolicy {
        adopt_by_email: settings.engine.adopt_contacts_by_email,
        contact_key_field: keys.contact.clone(),
    };
    let facts = OrgFactsCache::new(org.site());
    let partner_accounts = facts
        .get(&client)
        .await
        .context("reading the org's shape")?
        .partner_accounts;
    // The shape's read is told apart: the count below is what the commands' reads cost.
    let shape_calls = client.calls_sent();
    let mut out = String::from("\nPlan against the org (read-only calls; nothing was written):\n");
    for command in commands {
        out.push_str(&format!(
            "  {} ({})\n",
            command.subject,
            command.intent.kind()
        ));
        let read = Reading {
            client: &client,
            keys: &keys,
            partner_accounts,
        };
        let lines = plan_one(&read, &policy, &command.subject, &command.intent).await?;
        for line in lines {
            out.push_str(&format!("    - {line}\n"));
        }
    }
    out.push_str(&format!(
        "  read calls spent: {} (and {shape_calls} reading the org's shape)\n",
        client.calls_sent() - shape_calls
    ));
    connection.close().await;
    Ok(out)
}

/// How the plan reads the org.
struct Reading<'a> {
    client: &'a SalesforceClient,
    keys: &'a KeyFields,
    /// The org has `Account.IsPartner`.
    partner_accounts: bool,
}

/// The writes one command would make, one line each.
async fn plan_one(
    read: &Reading<'_>,
    policy: &ProvisionPolicy,
    subject: &SubjectKey,
    intent: &Intent,
) -> anyhow::Result<Vec<String>> {
    let Reading { client, keys, .. } = *read;
    match intent {
        Intent::Provision(p) => {
            let what = ReadFor::Provision {
                intent: p,
                adopt_by_email: policy.adopt_by_email,
                cached_profile: None,
                // No lifecycle record here says Gatehouse froze the person: no unfreeze is
                // planned, as the engine would plan none without one.
                read_login: false,
                partner_accounts: read.partner_accounts,
                read_licences: false,
            };
            let observed = observe(client, subject, keys, what)
                .await
                .context("reading the org")?;
            Ok(
                match plan_provision(p, subject.as_str(), &observed, policy) {
                    ProvisionPlan::Refuse(r) => {
                        vec![format!("refused: {} — {}", r.code, r.message)]
                    }
                    ProvisionPlan::NoChange => {
                        vec!["no change: the org already matches".to_owned()]
                    }
                    ProvisionPlan::Write(w) => provision_lines(&w, p, subject, keys),
                },
            )
        }
        Intent::Deprovision(d) => {
            let observed = observe(
                client,
                subject,
                keys,
                ReadFor::Deprovision {
                    freezing: d.mode.freezes(),
                },
            )
            .await
            .context("reading the org")?;
            match plan_deprovision(d.mode, &observed) {
                DeprovisionPlan::NoChange { why } => Ok(vec![format!("no change: {why}")]),
                DeprovisionPlan::Write {
                    writes,
                    licence_effect,
                } => {
                    let mut lines: Vec<String> = writes.iter().map(deprovision_line).collect();
                    lines.push(format!(
                        "licence effect: {}",
                        serde_json::to_string(&licence_effect)?
                    ));
                    Ok(lines)
                }
            }
        }
    }
}

/// A provision's writes: the Contact, the User, then what follows them.
fn provision_lines(
    w: &ProvisionWrites,
    p: &Provision,
    subject: &SubjectKey,
    keys: &KeyFields,
) -> Vec<String> {
    let mut lines = vec![
        contact_line(&w.contact, subject, keys),
        user_line(&w.user, p),
    ];
    if let Some(login) = &w.unfreeze {
        lines.push(format!("unfreeze UserLogin {login}"));
    }
    for set in &w.assign {
        lines.push(format!("assign permission set {set}"));
    }
    if w.send_welcome {
        lines.push("send the welcome email (password reset)".to_owned());
    }
    if w.role.is_some() {
        lines.push("set the portal role".to_owned());
    }
    lines
}

fn contact_line(contact: &ContactWrite, subject: &SubjectKey, keys: &KeyFields) -> String {
    match contact {
        ContactWrite::Keep { id } => format!("keep Contact {id}"),
        ContactWrite::Upsert { fields } => format!(
            "create Contact by key {subject} (upsert on {}) with {}",
            keys.contact,
            names(fields)
        ),
        ContactWrite::Update { id, fields } => {
            format!("update Contact {id}: {}", names(fields))
        }
        ContactWrite::Adopt { id, fields } => {
            format!(
                "adopt Contact {id} (same email, same Account): {}",
                names(fields)
            )
        }
    }
}

fn user_line(user: &UserWrite, p: &Provision) -> String {
    match user {
        UserWrite::Keep { id } => format!("keep User {id}"),
        UserWrite::Create { fields } => format!(
            "create User {} with profile {} (next username candidate on a collision)",
            fields
                .get("Username")
                .and_then(|v| v.as_str())
                .unwrap_or("?"),
            p.profile
        ),
        UserWrite::Update { id, fields } => {
            format!("update User {id}: {}", names(fields))
        }
    }
}

fn deprovision_line(write: &DeprovisionWrite) -> String {
    match write {
        DeprovisionWrite::Deactivate { user_id } => {
            format!("deactivate User {user_id} (IsActive = false)")
        }
        DeprovisionWrite::Freeze { login_id } => {
            format!("freeze UserLogin {login_id} (IsFrozen = true)")
        }
        DeprovisionWrite::Disable { user_id } => {
            format!("disable User {user_id} (IsPortalEnabled = false: irreversible)")
        }
    }
}

/// Field names only: values may be personal data, and the names say what changes.
fn names(fields: &serde_json::Map<String, serde_json::Value>) -> String {
    fields.keys().cloned().collect::<Vec<_>>().join(", ")
}
