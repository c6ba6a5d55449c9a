//! Events of native sources: each is one `gatehouse.v1.Command`, decoded and checked by
//! [`crate::native`] in place of rules.

use super::decision::{MappedCommand, MappingDecision};
use super::input::MappingInput;
use crate::config::NativeAllowList;
use crate::native::check_allowed;

/// What native commands show where a mapped command shows the rule that made it.
pub(crate) const NATIVE_RULE: &str = "native command";

/// The command the event carries, or why it stays unmapped. A producer's fix arrives as a new
/// record: under the same `command_id` it would be taken for a redelivery of this one.
/// With `allow` (the topic and its `[kafka.topics.NAME.allow]`), a command outside the list stays
/// unmapped too; replayed once the list is widened, it is mapped.
pub(crate) fn decide(
    input: &MappingInput,
    allow: Option<(&str, &NativeAllowList)>,
) -> MappingDecision {
    let content_type = Some(input.content_type.as_str()).filter(|ct| !ct.trim().is_empty());
    let read = crate::native::read(content_type, &input.body);
    if let (Ok(command), Some((topic, list))) = (&read, allow)
        && let Err(outside) = check_allowed(list, topic, &command.subject, &command.intent)
    {
        return MappingDecision::Unmapped {
            reason: format!("native command refused by its topic's allow-list: {outside}"),
        };
    }
    match read {
        Ok(command) => MappingDecision::Commands(vec![MappedCommand {
            rule: NATIVE_RULE.to_owned(),
            item_key: None,
            subject: command.subject,
            intent: command.intent,
            source_time: command.source_time,
            timed_by_source: true,
            effective_at: command.effective_at,
        }]),
        Err(refused) => MappingDecision::Unmapped {
            reason: format!(
                "native command refused: {refused}. Fix it at the producer and send it again under a new command_id"
            ),
        },
    }
}
