//! `gatehouse outcome-webhooks subscribers|deliveries|replay|enable`: the outcome webhooks' deliveries
//! to their subscribers, looked at and sent again.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::Value;

use super::remote::Gatehouse;
use super::table::{items, optional, print_more, print_table, text};
use super::{Format, JsonFlag, REMOTE_HELP, Remote, execute};

/// `gatehouse outcome-webhooks …`.
#[derive(Debug, Args)]
#[command(after_help = REMOTE_HELP)]
pub struct WebhooksCommand {
    #[command(subcommand)]
    action: WebhooksAction,
    #[command(flatten)]
    remote: Remote,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(Debug, Subcommand)]
enum WebhooksAction {
    /// The [[outcomes.webhooks]] subscribers: where they receive, what they filter, and their
    /// state (active; failing: a delivery was given up; disabled: they answered 410 Gone).
    #[command(after_help = "Example:\n  gatehouse outcome-webhooks subscribers")]
    Subscribers,
    /// Deliveries of outcome events, oldest first: each event's state for each subscriber,
    /// its attempts, the last answer and when it is tried next.
    #[command(
        after_help = "Examples:\n  gatehouse outcome-webhooks deliveries --state failed\n  gatehouse outcome-webhooks deliveries --subscriber partner-crm --subject partner-portal:u-1 --json\n\nStates: pending (waiting for its next attempt, or behind the subject's earlier event),\ndelivered, failed (retried for the subscriber's retry_hours without a 2xx), filtered\n(left out by the subscriber's types or sources; shown only with --state filtered)."
    )]
    Deliveries {
        /// Only this subscriber's.
        #[arg(long, value_name = "NAME")]
        subscriber: Option<String>,
        /// Only deliveries in this state: pending, delivered, failed, filtered.
        #[arg(long)]
        state: Option<String>,
        /// Only this person's, by subject key.
        #[arg(long, value_name = "KEY")]
        subject: Option<String>,
        /// At most this many (1 to 500).
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Continue after this delivery (printed at the end of a full page).
        #[arg(long, value_name = "CURSOR")]
        after: Option<String>,
    },
    /// Send a delivered or failed event to a subscriber again, with the same webhook-id (a
    /// receiver that already has it drops it), retried for its whole retry window from now.
    #[command(
        after_help = "Example:\n  gatehouse outcome-webhooks replay partner-crm out_01a21e7a-1018-751b-bb11-ef77a21b0b66\n\nExit codes: 0 queued, 1 error, 2 no such subscriber or delivery."
    )]
    Replay {
        /// The subscriber's name.
        subscriber: String,
        /// The event's id (out_…, its webhook-id and CloudEvents id).
        event_id: String,
    },
    /// Send to a disabled or failing subscriber again: its waiting deliveries go at once.
    #[command(
        after_help = "Example:\n  gatehouse outcome-webhooks enable partner-crm\n\nA subscriber is disabled when it answers 410 Gone; enable it once it receives again.\nExit codes: 0 enabled, 1 error, 2 no such subscriber."
    )]
    Enable {
        /// The subscriber's name.
        subscriber: String,
    },
}

impl WebhooksCommand {
    pub fn run(self) -> ExitCode {
        let action = self.action;
        execute(
            &self.remote,
            self.json.json,
            async move |gatehouse: &Gatehouse, format| {
                let (answer, as_text): (Value, fn(&Value)) = match action {
                    WebhooksAction::Subscribers => (
                        gatehouse.get(&["v1", "outcome-webhooks"], &[]).await?,
                        subscribers,
                    ),
                    WebhooksAction::Deliveries {
                        subscriber,
                        state,
                        subject,
                        limit,
                        after,
                    } => {
                        let mut query = vec![("limit", limit.to_string())];
                        let optional = [
                            ("subscriber", subscriber),
                            ("state", state),
                            ("subject", subject),
                            ("after", after),
                        ];
                        query.extend(optional.into_iter().filter_map(|(k, v)| Some((k, v?))));
                        let path = ["v1", "outcome-webhooks", "deliveries"];
                        (gatehouse.get(&path, &query).await?, deliveries)
                    }
                    WebhooksAction::Replay {
                        subscriber,
                        event_id,
                    } => {
                        let path = [
                            "v1",
                            "outcome-webhooks",
                            &subscriber,
                            "deliveries",
                            &event_id,
                            "replay",
                        ];
                        (gatehouse.post(&path, &[], None).await?, replayed)
                    }
                    WebhooksAction::Enable { subscriber } => {
                        let path = ["v1", "outcome-webhooks", subscriber.as_str(), "enable"];
                        (gatehouse.post(&path, &[], None).await?, enabled)
                    }
                };
                match format {
                    Format::Json => println!(
                        "{}",
                        serde_json::to_string_pretty(&answer)
                            .unwrap_or_else(|_| answer.to_string())
                    ),
                    Format::Text => as_text(&answer),
                }
                Ok(())
            },
        )
    }
}

fn subscribers(answer: &Value) {
    let rows: Vec<Vec<String>> = items(answer)
        .iter()
        .map(|s| {
            vec![
                text(s, "/name"),
                text(s, "/state"),
                optional(s, "/reason").unwrap_or_default(),
                text(s, "/url"),
            ]
        })
        .collect();
    if rows.is_empty() {
        println!("No [[outcomes.webhooks]] subscribers are configured.");
        return;
    }
    print_table(&["NAME", "STATE", "REASON", "URL"], &rows);
}

fn deliveries(page: &Value) {
    let rows: Vec<Vec<String>> = items(page)
        .iter()
        .map(|d| {
            vec![
                text(d, "/subscriber"),
                text(d, "/outbox_id"),
                text(d, "/event_type"),
                text(d, "/subject_key"),
                text(d, "/state"),
                text(d, "/attempts"),
                optional(d, "/last_error")
                    .or_else(|| optional(d, "/last_status"))
                    .unwrap_or_default(),
                optional(d, "/next_attempt_at").unwrap_or_default(),
            ]
        })
        .collect();
    if rows.is_empty() {
        println!("No deliveries match.");
        return;
    }
    print_table(
        &[
            "SUBSCRIBER",
            "EVENT",
            "TYPE",
            "SUBJECT",
            "STATE",
            "TRIES",
            "LAST",
            "NEXT",
        ],
        &rows,
    );
    print_more(page);
}

fn replayed(delivery: &Value) {
    println!(
        "{} goes to {} again (state {}).",
        text(delivery, "/outbox_id"),
        text(delivery, "/subscriber"),
        text(delivery, "/state")
    );
}

fn enabled(answer: &Value) {
    println!(
        "{} is active: its waiting deliveries go now.",
        text(answer, "/name")
    );
}
