use std::error::Error;
use std::fmt;

use super::chain;

#[derive(Debug)]
struct Layer {
    message: &'static str,
    cause: Option<Box<Layer>>,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl Error for Layer {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.cause.as_deref().map(|c| c as &(dyn Error + 'static))
    }
}

fn layers(messages: &[&'static str]) -> Layer {
    let mut cause = None;
    for message in messages.iter().rev() {
        cause = Some(Box::new(Layer { message, cause }));
    }
    *cause.expect("at least one message")
}

#[test]
fn every_cause_is_told_outermost_first() {
    let error = layers(&[
        "inbox write failed",
        "disk I/O error",
        "No space left on device",
    ]);
    assert_eq!(
        chain(&error).to_string(),
        "inbox write failed: disk I/O error: No space left on device"
    );
}

#[test]
fn a_cause_already_in_the_message_above_is_told_once() {
    let error = layers(&["reading the token: file not found", "file not found"]);
    assert_eq!(
        chain(&error).to_string(),
        "reading the token: file not found"
    );
}

#[test]
fn an_error_without_cause_is_its_message() {
    let error = layers(&["refused"]);
    assert_eq!(chain(&error).to_string(), "refused");
}
