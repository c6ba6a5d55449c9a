use serde_json::{Map, Value};

use super::*;

fn recorded(checkpoints: &[Checkpoint<'_>]) -> Map<String, Value> {
    checkpoints
        .iter()
        .map(|c| (c.key().to_owned(), c.value()))
        .collect()
}

#[test]
fn checkpoints_read_back_as_what_earlier_attempts_did() {
    let none = Map::new();
    assert!(!Earlier(&none).created_user());
    assert_eq!(Earlier(&none).welcome(), EarlierWelcome::NotSent);

    let creating = recorded(&[Checkpoint::UserCreating]);
    assert!(Earlier(&creating).created_user());
    let created = recorded(&[Checkpoint::UserCreated("005000000000001AAA")]);
    assert!(Earlier(&created).created_user());
    // The org refused the creation: the user found later is not this command's.
    let refused = recorded(&[Checkpoint::UserCreating, Checkpoint::UserNotCreated]);
    assert!(!Earlier(&refused).created_user());
}

#[test]
fn a_welcome_email_asked_for_without_an_answer_is_never_asked_for_again() {
    let intended = recorded(&[Checkpoint::WelcomeIntended]);
    assert_eq!(Earlier(&intended).welcome(), EarlierWelcome::Intended);
    // Refused by Salesforce: the reset did not happen, so it may be asked for again.
    let refused = recorded(&[Checkpoint::WelcomeIntended, Checkpoint::WelcomeNotSent]);
    assert_eq!(Earlier(&refused).welcome(), EarlierWelcome::NotSent);
    let sent = recorded(&[Checkpoint::WelcomeIntended, Checkpoint::WelcomeSent]);
    assert_eq!(Earlier(&sent).welcome(), EarlierWelcome::Sent);
}

#[test]
fn checkpoints_keep_the_keys_docs_engine_md_names() {
    let keys: Vec<&str> = [
        Checkpoint::UserCreating,
        Checkpoint::UserCreated("005"),
        Checkpoint::WelcomeIntended,
        Checkpoint::WelcomeNotSent,
        Checkpoint::WelcomeSent,
    ]
    .iter()
    .map(Checkpoint::key)
    .collect();
    assert_eq!(
        keys,
        [
            "user_creating",
            "user_created",
            "welcome_email",
            "welcome_email",
            "welcome_email_sent"
        ]
    );
    assert_eq!(Checkpoint::WelcomeIntended.value(), "intended");
    assert_eq!(Checkpoint::WelcomeNotSent.value(), "not_sent");
}
