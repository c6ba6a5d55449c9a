//! Creating the user: username and nickname candidates tried in turn until Salesforce takes one
//! pair. The creation rides in the first write; a collision (`DUPLICATE_USERNAME`,
//! `DUPLICATE_COMM_NICKNAME`) retries only the user (with what rides along), in a request of
//! its own, since the Contact exists by then.

use serde_json::{Map, Value, json};

use super::Written;
use super::first_write::{FirstRequest, contact_answer};
use super::read_back;
use crate::domain::username::{nickname_candidates, username_candidates};
use crate::engine::apply::checkpoint::Checkpoint;
use crate::engine::apply::context::ProvisionContext;
use crate::engine::apply::error::ApplyError;
use crate::engine::plan::ProvisionWrites;
use crate::salesforce::{
    CallError, CompositeRequest, CompositeResponse, RecordRef, SalesforceError,
};

/// How many usernames (and nicknames) are tried before a provision is refused.
pub const MAX_CANDIDATES: usize = 5;

/// What the creation came to.
pub(super) enum Creation {
    /// The user exists now; `checks` holds the answer that also carried its permission sets and
    /// read-back, when they rode along.
    Made {
        written: Written,
        checks: Option<CompositeResponse>,
    },
    /// The org refused the Contact or the user for a reason other than a taken name: no user
    /// was made.
    Refused(SalesforceError),
}

/// Creates the user with the first free candidates, sending the first request with it; the
/// permission sets and read-back ride along when `ride` (see `read_back::rides_along`).
pub(super) async fn create_user(
    cx: &ProvisionContext<'_>,
    writes: &ProvisionWrites,
    first: FirstRequest,
    fields: &Map<String, Value>,
    ride: bool,
    steps: &mut Vec<String>,
) -> Result<Creation, ApplyError> {
    // Recorded before the call: should the process die before the answer is read, the rerun
    // knows the user it then finds is the one this command made, and still sends its welcome
    // email.
    cx.record(Checkpoint::UserCreating).await?;
    let mut candidates = Candidates::for_user(fields);
    let mut contact_id = writes.contact.id().map(str::to_owned);
    let mut request = first.request;
    loop {
        let (username, nickname) = candidates.current()?;
        let contact = match (&contact_id, &first.contact) {
            (Some(id), _) => json!(id),
            (None, RecordRef::Reference(r)) => json!(r.as_str()),
            (None, RecordRef::Id(id)) => json!(id),
        };
        let mut user_fields = fields.clone();
        user_fields.insert("Username".into(), json!(username));
        user_fields.insert("CommunityNickname".into(), json!(nickname));
        user_fields.insert("ContactId".into(), contact);
        request.create("user", "User", user_fields);
        if ride {
            read_back::ride_along(&mut request, cx, writes);
        }
        let response = cx.client.composite(&request).await?;
        if let Some(answer) = response.get("contact") {
            if let Some(e) = answer.error() {
                return Ok(Creation::Refused(e));
            }
            if let Some(id) = contact_answer(&writes.contact, answer, steps)? {
                contact_id = Some(id);
            }
        }
        if let Some(e) = response.get("login").and_then(|s| s.error()) {
            return Err(CallError::Refused(e).into());
        }
        let Some(user) = response.get("user") else {
            return Err(ApplyError::refused(
                "UNEXPECTED_ANSWER",
                "no answer for the user creation",
            ));
        };
        match user.error() {
            None => {
                let id = user.id().map_err(CallError::Refused)?;
                cx.record(Checkpoint::UserCreated(&id)).await?;
                steps.push("user.created".to_owned());
                let written = Written {
                    contact_id,
                    user_id: Some(id),
                    created: Some((username.to_owned(), nickname.to_owned())),
                    reactivated: first.reactivated,
                };
                let checks = ride.then_some(response);
                return Ok(Creation::Made { written, checks });
            }
            Some(e) if e.code == "DUPLICATE_USERNAME" => candidates.username_taken(),
            Some(e) if e.code == "DUPLICATE_COMM_NICKNAME" => candidates.nickname_taken(),
            Some(e) => return Ok(Creation::Refused(e)),
        }
        request = CompositeRequest::new(false);
    }
}

/// The usernames and nicknames to try, derived from the plan's first ones, and how far the
/// collisions have moved along each.
pub(in crate::engine) struct Candidates {
    usernames: Vec<String>,
    nicknames: Vec<String>,
    username: usize,
    nickname: usize,
}

impl Candidates {
    pub(in crate::engine) fn for_user(fields: &Map<String, Value>) -> Candidates {
        let first = |name| fields.get(name).and_then(Value::as_str).unwrap_or_default();
        let (first_name, first_nick) = (first("Username"), first("CommunityNickname"));
        Candidates {
            usernames: username_candidates(first_name, MAX_CANDIDATES),
            nicknames: nickname_candidates(first_nick, MAX_CANDIDATES),
            username: 0,
            nickname: 0,
        }
    }

    /// The pair to try now; a refusal once either list is used up.
    pub(in crate::engine) fn current(&self) -> Result<(&str, &str), ApplyError> {
        match (
            self.usernames.get(self.username),
            self.nicknames.get(self.nickname),
        ) {
            (Some(username), Some(nickname)) => Ok((username, nickname)),
            _ => Err(ApplyError::refused(
                "USERNAME_CANDIDATES_EXHAUSTED",
                format!(
                    "the first {MAX_CANDIDATES} username or nickname candidates are all taken (last tried {:?} / {:?}); change the rule's username template",
                    self.usernames.last(),
                    self.nicknames.last()
                ),
            )),
        }
    }

    pub(in crate::engine) fn username_taken(&mut self) {
        self.username += 1;
    }

    pub(in crate::engine) fn nickname_taken(&mut self) {
        self.nickname += 1;
    }
}
