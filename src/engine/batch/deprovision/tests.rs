use super::plan::{Plan, keyed, known};
use super::read::{MOST_VALUES, Seen, What, split};
use crate::domain::{DeprovisionMode, LicenceEffect};
use crate::engine::executor::Done;
use crate::salesforce::Record;

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("005000000{i:06}AAA")).collect()
}

#[test]
fn an_in_list_is_split_where_its_uri_would_pass_the_limit() {
    let values = ids(1200);
    let (queries, unfit) = split(What::UsersById, &values, "Key__c", 16_384);
    assert!(unfit.is_empty());
    assert!(queries.len() >= 3, "{} queries", queries.len());
    let sent: Vec<String> = queries.iter().flat_map(|q| q.values.clone()).collect();
    assert_eq!(sent, values, "every value once, in order");
    for query in &queries {
        let encoded =
            percent_encoding::utf8_percent_encode(&query.soql, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let uri = format!("/services/data/v68.0/query?q={encoded}");
        assert!(uri.len() <= 16_384, "{} bytes", uri.len());
        assert!(query.values.len() <= MOST_VALUES);
        assert!(query.soql.starts_with("SELECT Id, IsActive"));
    }
}

#[test]
fn a_value_too_long_for_any_uri_is_left_out_to_run_alone() {
    let values = vec!["a".repeat(20_000), "K-1".to_owned()];
    let (queries, unfit) = split(What::UsersByKey, &values, "Key__c", 16_384);
    assert_eq!(unfit, vec!["a".repeat(20_000)]);
    assert_eq!(queries.len(), 1);
    assert_eq!(queries[0].values, vec!["K-1".to_owned()]);
    assert!(queries[0].soql.contains("WHERE Contact.Key__c IN ('K-1')"));
}

fn row(fields: serde_json::Value) -> Record {
    match fields {
        serde_json::Value::Object(map) => Record::from_fields(map),
        _ => unreachable!(),
    }
}

fn seen_user(id: &str, active: bool, login: Option<(&str, bool)>) -> Seen {
    let mut seen = Seen::default();
    seen.rows.insert(
        (What::UsersById, id[..15].to_owned()),
        vec![row(
            serde_json::json!({"Id": id, "IsActive": active, "ContactId": "003A"}),
        )],
    );
    if let Some((login, frozen)) = login {
        seen.rows.insert(
            (What::LoginsById, id[..15].to_owned()),
            vec![row(
                serde_json::json!({"Id": login, "UserId": id, "IsFrozen": frozen}),
            )],
        );
    }
    seen
}

const USER: &str = "005000000000001AAA";

#[test]
fn a_known_active_user_is_deactivated_and_frees_the_licence() {
    let seen = seen_user(USER, true, None);
    let Plan::Write(planned) = known(
        &seen,
        USER,
        "Partner Community",
        DeprovisionMode::Deactivate,
        false,
    ) else {
        panic!("a write is planned");
    };
    assert_eq!(planned.step, "user.deactivated");
    assert_eq!(planned.write.as_ref().map(|w| w.field), Some("IsActive"));
    assert_eq!(
        planned.licence_effect,
        LicenceEffect::Freed {
            licence: "Partner Community".into()
        }
    );
}

#[test]
fn a_known_inactive_user_is_already_out_and_a_gone_one_runs_alone() {
    let seen = seen_user(USER, false, None);
    let plan = known(
        &seen,
        USER,
        "Partner Community",
        DeprovisionMode::Deactivate,
        false,
    );
    assert!(matches!(
        plan,
        Plan::Settled(Done::Unchanged {
            why: "the user is already out",
            ..
        })
    ));
    let empty = Seen::default();
    let plan = known(
        &empty,
        USER,
        "Partner Community",
        DeprovisionMode::Deactivate,
        false,
    );
    assert!(matches!(plan, Plan::Alone), "no row: gone or unlinked");
}

#[test]
fn a_freeze_writes_the_login_and_keeps_the_licence() {
    let seen = seen_user(USER, true, Some(("0Ya000000000001AAA", false)));
    let Plan::Write(planned) = known(
        &seen,
        USER,
        "Partner Community",
        DeprovisionMode::Freeze,
        false,
    ) else {
        panic!("a write is planned");
    };
    let write = planned.write.expect("the login's write");
    assert_eq!(
        (write.sobject, write.field, write.value),
        ("UserLogin", "IsFrozen", true)
    );
    assert_eq!(
        planned.licence_effect,
        LicenceEffect::Kept {
            licence: "Partner Community".into()
        }
    );
}

#[test]
fn a_deactivation_after_gatehouse_s_freeze_lifts_it() {
    let seen = seen_user(USER, true, Some(("0Ya000000000001AAA", true)));
    let Plan::Write(planned) = known(
        &seen,
        USER,
        "Partner Community",
        DeprovisionMode::Deactivate,
        true,
    ) else {
        panic!("a write is planned");
    };
    assert_eq!(planned.unfreeze.as_deref(), Some("0Ya000000000001AAA"));
}

#[test]
fn someone_the_org_does_not_know_is_no_change_and_two_users_for_one_key_run_alone() {
    let mut seen = Seen::default();
    seen.rows.insert((What::UsersByKey, "K-9".into()), vec![]);
    let plan = keyed(&seen, "K-9", DeprovisionMode::Deactivate);
    assert!(matches!(
        plan,
        Plan::Settled(Done::Unchanged {
            why: "no user for this subject",
            ..
        })
    ));
    let user = |id: &str| row(serde_json::json!({"Id": id, "IsActive": true, "ContactId": "003A"}));
    seen.rows.insert(
        (What::UsersByKey, "K-2".into()),
        vec![user("005000000000002AAA"), user("005000000000003AAA")],
    );
    assert!(matches!(
        keyed(&seen, "K-2", DeprovisionMode::Deactivate),
        Plan::Alone
    ));
}
