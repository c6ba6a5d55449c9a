//! The new users' welcome email, at most once each.
//!
//! Left to the site, it costs nothing: the outcome says what the site does. By password reset,
//! each person's `welcome_email: intended` checkpoint is recorded first, then the resets go up
//! to 25 to a composite as `DELETE /sobjects/User/{id}/password` subrequests — the composite
//! takes every sObject resource but sObject Blob Get ("Send Multiple Requests Using
//! Composite", REST API Developer Guide), and the password resource is one. Should an org
//! refuse that subrequest (the resource not found, or the method not allowed in a composite),
//! or the composite as a whole, the resets go one call each, as a single run sends them.

use super::person::{Person, shared};
use super::progress::record_all;
use crate::domain::WelcomeEmail;
use crate::engine::apply::{ApplyError, Checkpoint, left_to_site};
use crate::engine::batch::BatchContext;
use crate::salesforce::{CallError, CompositeRequest, OrgFacts, SalesforceError};
use crate::store::WelcomeEmailState;

/// Settles the welcome email of every open person whose user was created now.
pub(super) async fn send(cx: &BatchContext<'_>, facts: &OrgFacts, people: &mut [Person<'_>]) {
    let mut resets = Vec::new();
    for (i, person) in people.iter_mut().enumerate() {
        if !person.is_open() || person.created.is_none() {
            continue;
        }
        match person.intent.welcome_email {
            WelcomeEmail::None => person.welcome = Some(WelcomeEmailState::NotWanted),
            WelcomeEmail::SiteSetting => {
                person.welcome = Some(left_to_site(facts.site.as_ref(), &mut person.steps));
            }
            WelcomeEmail::PasswordReset => resets.push(i),
        }
    }
    if resets.is_empty() {
        return;
    }
    // Recorded before the call: a crash after it leaves the email unsent, never sent twice.
    let resets = record_all(cx, people, &resets, |_| Checkpoint::WelcomeIntended).await;
    let mut one_by_one = Vec::new();
    for chunk in resets.chunks(cx.limits.subrequests.max(1)) {
        let mut request = CompositeRequest::new(false);
        for (n, &i) in chunk.iter().enumerate() {
            if let Some(user) = &people[i].user_id {
                request.reset_password(&format!("reset{n}"), user);
            }
        }
        let response = match cx.client.composite(&request).await {
            Ok(response) => response,
            // Refused whole: nothing was reset.
            Err(CallError::Refused(_)) => {
                one_by_one.extend_from_slice(chunk);
                continue;
            }
            // No answer: the emails may have gone out; they stay intended.
            Err(error) => {
                for &i in chunk {
                    people[i].fail(shared(&error));
                }
                continue;
            }
        };
        let (mut done, mut refused) = (Vec::new(), Vec::new());
        for (n, &i) in chunk.iter().enumerate() {
            match response
                .get(&format!("reset{n}"))
                .map(|a| (a.is_success(), a.error()))
            {
                Some((true, _)) => done.push(i),
                Some((false, Some(e))) if shape_refused(&e) => one_by_one.push(i),
                Some((false, Some(e))) => refused.push((i, e)),
                _ => one_by_one.push(i),
            }
        }
        sent(cx, people, &done).await;
        not_sent(cx, people, refused).await;
    }
    if !one_by_one.is_empty() {
        tracing::info!(
            resets = one_by_one.len(),
            "the org refused password resets inside a composite: sending them one call each"
        );
    }
    for i in one_by_one {
        let Some(user) = people[i].user_id.clone() else {
            continue;
        };
        match cx.client.reset_password(&user).await {
            Ok(()) => sent(cx, people, &[i]).await,
            Err(CallError::Refused(e)) => not_sent(cx, people, vec![(i, e)]).await,
            Err(error) => people[i].fail(error.into()),
        }
    }
}

/// The subrequest itself was not taken (the resource or method unknown to the composite),
/// rather than the reset refused for this user.
fn shape_refused(error: &SalesforceError) -> bool {
    matches!(error.status, Some(404 | 405))
        && matches!(
            error.code.as_str(),
            "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "INVALID_URL" | "NOT_SUPPORTED"
        )
}

/// Salesforce answered these resets: the emails went out.
async fn sent(cx: &BatchContext<'_>, people: &mut [Person<'_>], which: &[usize]) {
    for i in record_all(cx, people, which, |_| Checkpoint::WelcomeSent).await {
        people[i].steps.push("welcome_email.sent".to_owned());
        people[i].welcome = Some(WelcomeEmailState::Sent);
    }
}

/// Salesforce answered these resets with an error: they did not happen, and a rerun may ask
/// again.
async fn not_sent(
    cx: &BatchContext<'_>,
    people: &mut [Person<'_>],
    refused: Vec<(usize, SalesforceError)>,
) {
    let which: Vec<usize> = refused.iter().map(|(i, _)| *i).collect();
    record_all(cx, people, &which, |_| Checkpoint::WelcomeNotSent).await;
    for (i, error) in refused {
        people[i].fail(ApplyError::Call(CallError::Refused(error)));
    }
}
