//! Licences run out: the next provision waits, parked, until a deactivation frees one.

use crate::on_both_stores;
use chrono::TimeDelta;
use gatehouse::domain::OutcomeKind;
use gatehouse::store::{CommandRecord, CommandState};
use serde_json::json;

use super::{Customer, Scenario, assert_kind};
use crate::support::settle::kind_of;

/// Customers 1 to 5 sign up and take the default org's five Customer Community licences;
/// answers the first one's User id.
async fn fill_the_pool(s: &Scenario) -> String {
    let mut first_user = None;
    for n in 1..=5 {
        let customer = Customer::numbered(n);
        s.send_and_settle(
            "customers",
            &customer.event("customer.signed_up", s.now(), json!({})),
        )
        .await;
        let outcome = s.last_outcome(&customer.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        first_user.get_or_insert(outcome.salesforce.user_id.clone().unwrap());
    }
    first_user.unwrap()
}

/// Customer 6 signs up with no licence left: the provision parks.
async fn sixth_parks(s: &Scenario) -> (Customer, CommandRecord) {
    let sixth = Customer::numbered(6);
    s.send_and_settle(
        "customers",
        &sixth.event("customer.signed_up", s.now(), json!({})),
    )
    .await;
    let parked = s.commands(&sixth.subject()).await.pop().unwrap();
    assert_eq!(parked.state, CommandState::Parked, "{parked:#?}");
    (sixth, parked)
}

on_both_stores! {
    async fn when_licences_run_out_the_next_provision_parks_and_resumes_once_one_is_freed() {
        let s = Scenario::start().await;
        let pool = s.org.licence("Customer Community").await;
        assert_eq!(
            (pool.used, pool.total),
            (0, 5),
            "the default org's small pool"
        );
        fill_the_pool(&s).await;
        assert_eq!(s.org.licence("Customer Community").await.used, 5);

        let (sixth, parked) = sixth_parks(&s).await;
        assert_eq!(parked.parked_licence.as_deref(), Some("Customer Community"));
        assert!(
            parked
                .parked_reason
                .as_deref()
                .is_some_and(|r| r.contains("License Limit Exceeded")),
            "{parked:#?}"
        );
        assert_eq!(s.org.licence("Customer Community").await.used, 5);
        assert!(
            s.keyed_contacts(&sixth.subject()).await.is_empty(),
            "nothing is written while the user waits"
        );

        // Customer 1 leaves: their licence goes to customer 6.
        s.advance(TimeDelta::minutes(1));
        let first = Customer::numbered(1);
        s.send(
            "customers",
            &first.event("customer.closed", s.now(), json!({})),
        )
        .await;
        // The deactivation resumes the parked command before its own outcome is written.
        let commands = s.settle().await;
        let resumed = commands
            .iter()
            .find(|c| c.command.id == parked.command.id)
            .unwrap();
        assert_eq!(
            kind_of(resumed),
            Some(OutcomeKind::Succeeded),
            "{resumed:#?}"
        );
        assert!(resumed.outcome.as_ref().unwrap().api_calls <= 3);
        s.settle().await;

        let (_, leaver) = s.one_contact_one_user(&first.subject()).await;
        assert_eq!(leaver["IsActive"], false);
        let (_, newcomer) = s.one_contact_one_user(&sixth.subject()).await;
        assert_eq!(newcomer["IsActive"], true);
        assert_eq!(s.org.licence("Customer Community").await.used, 5);
    }
}

on_both_stores! {
    async fn a_licence_freed_outside_gatehouse_resumes_the_parked_command_at_the_next_check() {
        let s = Scenario::start().await;
        let first_user = fill_the_pool(&s).await;
        let (_, parked) = sixth_parks(&s).await;

        // An admin deactivates someone in Salesforce by hand: Gatehouse is not told.
        s.org
            .update("User", &first_user, json!({"IsActive": false}))
            .await;
        assert_eq!(s.org.licence("Customer Community").await.used, 4);
        // The worker looks at the licence counts every licence_check_seconds (300 by default).
        s.advance(TimeDelta::seconds(301));
        let commands =
            crate::support::settle::wait_for(&s.app.store, "the parked provision to end", |commands| {
                commands
                    .iter()
                    .any(|c| c.command.id == parked.command.id && c.state == CommandState::Done)
            })
            .await;
        let resumed = commands
            .iter()
            .find(|c| c.command.id == parked.command.id)
            .unwrap();
        assert_eq!(
            kind_of(resumed),
            Some(OutcomeKind::Succeeded),
            "{resumed:#?}"
        );
        assert_eq!(s.org.licence("Customer Community").await.used, 5);
    }
}

on_both_stores! {
    async fn a_full_licence_type_parks_a_new_user_before_any_write() {
        let s = Scenario::start().await;
        fill_the_pool(&s).await;
        let contacts = s.org.records("Contact").await.len();
        let users = s.org.records("User").await.len();
        let calls = s.org.api_calls().await;
        let writes = write_calls(&s).await;

        let (sixth, parked) = sixth_parks(&s).await;

        assert_eq!(parked.parked_licence.as_deref(), Some("Customer Community"));
        assert!(
            parked
                .parked_reason
                .as_deref()
                .is_some_and(|r| r.starts_with("License Limit Exceeded - Customer Community")),
            "{parked:#?}"
        );
        // One call, the read (its licence counts show none free), and no write at all.
        assert_eq!(s.org.api_calls().await - calls, 1);
        assert_eq!(write_calls(&s).await, writes);
        assert_eq!(s.org.records("Contact").await.len(), contacts);
        assert_eq!(s.org.records("User").await.len(), users);
        assert!(s.keyed_contacts(&sixth.subject()).await.is_empty());
        assert_eq!(s.org.licence("Customer Community").await.used, 5);
    }
}

/// Calls to the org's write endpoints: sObject rows and collections (a read is a composite of
/// queries and GETs).
async fn write_calls(s: &Scenario) -> u64 {
    let mut total = 0;
    for endpoint in [
        "POST /sobjects",
        "PATCH /sobjects",
        "POST /composite/sobjects",
        "PATCH /composite/sobjects",
    ] {
        total += s.org.calls_to(endpoint).await;
    }
    total
}
