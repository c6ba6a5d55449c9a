//! The demo's second half: what the engine made of the deliveries, and what the org now holds.

use std::time::Duration;

use anyhow::{Context, bail};

use crate::domain::{Intent, LicenceEffect, OutcomeKind};
use crate::store::{CommandFilter, CommandRecord, CommandState, Store};

/// Waits until every command that is due has ended, prints each, and checks the story's
/// expectations against the commands and the simulated org.
pub async fn report(store: &Store, org_url: Option<&str>) -> anyhow::Result<()> {
    println!("\nWhat Gatehouse did (waiting for the engine):");
    let commands = settled(store).await?;
    for c in &commands {
        print_command(c);
    }

    let find = |subject: &str, kind: &str| {
        commands
            .iter()
            .find(|c| c.command.subject.as_str() == subject && c.command.intent.kind() == kind)
    };
    let signup = find("partner-portal:u-1", "provision")
        .context("no provision command for the partner signup")?;
    let outcome = signup
        .outcome
        .as_ref()
        .context("the signup has no outcome")?;
    if outcome.kind != OutcomeKind::Succeeded {
        bail!("the signup ended {}, not succeeded", outcome.kind.as_str());
    }
    let leaver =
        find("bamboohr:67890", "deprovision").context("no deprovision for the BambooHR leaver")?;
    if leaver.outcome.as_ref().map(|o| o.kind) != Some(OutcomeKind::NoChange) {
        bail!("the leaver (who never had a user) should end no_change");
    }
    let scheduled = commands
        .iter()
        .filter(|c| c.state == CommandState::Scheduled && c.command.intent.kind() == "deprovision")
        .count();
    if scheduled != 2 {
        bail!("expected the contract end to schedule 2 deprovisions, found {scheduled}");
    }

    if let Some(url) = org_url {
        let user_id = outcome
            .salesforce
            .user_id
            .clone()
            .context("the signup outcome names no user")?;
        let state: serde_json::Value = reqwest::get(format!("{url}/__sim/state"))
            .await?
            .json()
            .await
            .context("reading the simulated org's state")?;
        let user = find_record(&state, "User", &user_id)
            .context("the new user is not in the simulated org")?;
        println!(
            "\nThe simulated org at {url} now has user {user_id}: active={}, profile {}, contact {}",
            user["IsActive"], user["ProfileId"], user["ContactId"]
        );
        if user["IsActive"] != true {
            bail!("the new user is not active in the org");
        }
        let emails: serde_json::Value = reqwest::get(format!("{url}/__sim/emails"))
            .await?
            .json()
            .await?;
        let welcomes = emails
            .as_array()
            .map(|all| {
                all.iter()
                    .filter(|e| e["kind"] == "welcome" && e["user_id"] == user_id.as_str())
                    .count()
            })
            .unwrap_or(0);
        println!("  welcome emails the site sent to the new user: {welcomes}");
        if welcomes != 1 {
            bail!("expected exactly one welcome email, found {welcomes}");
        }
    }
    Ok(())
}

/// The commands once none is queued, running or retrying (scheduled ones wait for their date).
async fn settled(store: &Store) -> anyhow::Result<Vec<CommandRecord>> {
    for _ in 0..600 {
        let commands = store
            .list_commands(&CommandFilter {
                limit: 100,
                ..CommandFilter::default()
            })
            .await?;
        let busy = commands.iter().any(|c| {
            matches!(
                c.state,
                CommandState::Queued | CommandState::Running | CommandState::Retrying
            )
        });
        if !busy && !commands.is_empty() {
            return Ok(commands);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("the engine did not finish the demo's commands within 30 s")
}

fn print_command(c: &CommandRecord) {
    let what = match &c.command.intent {
        Intent::Provision(p) => format!("provision ({})", p.profile),
        Intent::Deprovision(d) => format!("deprovision ({})", d.mode.name()),
    };
    println!("  {}  {}", c.command.subject, what);
    match &c.outcome {
        Some(o) => {
            let licence = match &o.licence_effect {
                LicenceEffect::Consumed { licence } => format!("took a {licence} licence"),
                LicenceEffect::Freed { licence } => format!("freed a {licence} licence"),
                LicenceEffect::Kept { licence } => format!("kept its {licence} licence"),
                LicenceEffect::Unchanged => "no licence change".to_owned(),
            };
            println!(
                "     -> {} in {} API call(s); {licence}; steps: {}",
                o.kind.as_str(),
                o.api_calls,
                if o.steps.is_empty() {
                    "-".to_owned()
                } else {
                    o.steps.join(", ")
                }
            );
        }
        None => println!(
            "     -> {} until {}",
            c.state.as_str(),
            c.due_at.to_rfc3339()
        ),
    }
}

fn find_record<'a>(
    state: &'a serde_json::Value,
    object: &str,
    id: &str,
) -> Option<&'a serde_json::Value> {
    let records = state.pointer(&format!("/org/records/{object}"))?;
    let matches = |r: &&serde_json::Value| {
        r["Id"]
            .as_str()
            .is_some_and(|rid| rid.starts_with(&id[..15.min(id.len())]))
    };
    match records {
        serde_json::Value::Array(list) => list.iter().find(matches),
        serde_json::Value::Object(map) => map.values().find(matches),
        _ => None,
    }
}
