//! `gatehouse subject erase KEY [--deprovision] [--reason TEXT]`.

use clap::Args;
use serde_json::{Value, json};

use super::Format;
use super::actions::print;
use super::remote::{Failure, Gatehouse};

/// Erase a person's data on their request, leaving a tombstone (docs/privacy.md).
#[derive(Debug, Args)]
pub(super) struct EraseArgs {
    /// The subject key, e.g. partner-portal:u-1.
    pub(super) key: String,
    /// Deprovision them first when they still have access, and erase once that succeeded.
    #[arg(long)]
    pub(super) deprovision: bool,
    /// Why, kept in the tombstone: a request or ticket number, not the person's details.
    #[arg(long, value_name = "TEXT")]
    pub(super) reason: Option<String>,
}

impl EraseArgs {
    /// Asks for the erasure and prints what became of it.
    pub(super) async fn run(self, gatehouse: &Gatehouse, format: Format) -> Result<(), Failure> {
        let mut body = json!({"deprovision": self.deprovision});
        if let Some(reason) = self.reason {
            body["reason"] = Value::String(reason);
        }
        let answer = gatehouse
            .post(
                &["v1", "subjects", &self.key, "erase"],
                &[],
                Some(body.to_string().into_bytes()),
            )
            .await?;
        print(format, &answer, print_erasure);
        Ok(())
    }
}

fn print_erasure(answer: &Value) {
    let text = |pointer: &str| {
        answer
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("-")
    };
    let subject = text("/subject");
    if answer["state"] == "pending" {
        println!(
            "{subject}: deprovision {} {}; erased once it succeeded",
            text("/command_id"),
            text("/deprovision_state")
        );
        return;
    }
    println!("{subject}: erased ({})", text("/erasure_id"));
    println!("  {:<12} {}", "tombstone", text("/tombstone/key_hash"));
    println!(
        "  {:<12} {}",
        "last applied",
        text("/tombstone/last_applied_source_time")
    );
    if let Some(removed) = answer["removed"].as_object() {
        let counts: Vec<String> = removed
            .iter()
            .map(|(what, count)| format!("{what} {count}"))
            .collect();
        println!("  {:<12} {}", "removed", counts.join(", "));
    }
}
