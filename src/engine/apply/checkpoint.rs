//! The crash-safety checkpoints of a provision, in one place: what the org cannot show is
//! recorded as progress on the command before the call it concerns, so that a rerun after a
//! crash or a lost answer knows what is owed (docs/engine.md, "Surviving a crash").

use serde_json::{Map, Value, json};

/// Progress keys, as the command record keeps them.
const USER_CREATING: &str = "user_creating";
const USER_CREATED: &str = "user_created";
const WELCOME: &str = "welcome_email";
const WELCOME_SENT: &str = "welcome_email_sent";
/// Values of [`WELCOME`].
const INTENDED: &str = "intended";
const NOT_SENT: &str = "not_sent";

/// One checkpoint, in the order a provision records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpoint<'a> {
    /// Before the request that creates the user: a rerun takes the user it finds on the
    /// Contact as the one this command made, and still owes its welcome email.
    UserCreating,
    /// Salesforce answered with the new user's id.
    UserCreated(&'a str),
    /// Salesforce refused the user's creation (the Contact already had a user, no free
    /// licence…): no user was made, so a rerun takes no user it finds for this command's own.
    /// Recorded under [`Checkpoint::UserCreating`]'s key, which it undoes.
    UserNotCreated,
    /// Before the password reset that sends the welcome email: a rerun does not ask again,
    /// since the email may have gone out (at most once wins over at least once).
    WelcomeIntended,
    /// Salesforce refused the reset, so no email went out: a rerun may ask again.
    WelcomeNotSent,
    /// Salesforce answered the reset.
    WelcomeSent,
}

impl Checkpoint<'_> {
    /// The progress key it is recorded under.
    pub fn key(&self) -> &'static str {
        match self {
            Checkpoint::UserCreating | Checkpoint::UserNotCreated => USER_CREATING,
            Checkpoint::UserCreated(_) => USER_CREATED,
            Checkpoint::WelcomeIntended | Checkpoint::WelcomeNotSent => WELCOME,
            Checkpoint::WelcomeSent => WELCOME_SENT,
        }
    }

    /// The value recorded under [`Checkpoint::key`].
    pub fn value(&self) -> Value {
        match self {
            Checkpoint::UserCreating | Checkpoint::WelcomeSent => json!(true),
            Checkpoint::UserCreated(id) => json!(id),
            Checkpoint::UserNotCreated => json!(false),
            Checkpoint::WelcomeIntended => json!(INTENDED),
            Checkpoint::WelcomeNotSent => json!(NOT_SENT),
        }
    }
}

/// What earlier attempts of a command recorded: the checkpoints read back.
#[derive(Debug, Clone, Copy)]
pub struct Earlier<'a>(pub &'a Map<String, Value>);

/// How far an earlier attempt got with the welcome email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EarlierWelcome {
    /// Never asked for, or refused by Salesforce: ask now.
    NotSent,
    /// Asked for without an answer: it may have gone out.
    Intended,
    Sent,
}

impl<'a> Earlier<'a> {
    /// Whether an earlier attempt created (or was creating) the user; one the org refused
    /// ([`Checkpoint::UserNotCreated`]) did not.
    pub fn created_user(&self) -> bool {
        self.0.contains_key(USER_CREATED) || self.0.get(USER_CREATING) == Some(&json!(true))
    }

    /// The welcome email as earlier attempts left it.
    pub fn welcome(&self) -> EarlierWelcome {
        if self.0.contains_key(WELCOME_SENT) {
            EarlierWelcome::Sent
        } else if self.0.get(WELCOME) == Some(&json!(INTENDED)) {
            EarlierWelcome::Intended
        } else {
            EarlierWelcome::NotSent
        }
    }
}

#[cfg(test)]
mod tests;
