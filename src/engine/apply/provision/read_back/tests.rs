use super::*;

fn sets(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("Set_{i}")).collect()
}

fn sizes(chunks: &[&[String]]) -> Vec<usize> {
    chunks.iter().map(|c| c.len()).collect()
}

#[test]
fn the_read_back_rides_with_the_last_sets_so_it_follows_every_assignment() {
    let all = sets(6);
    let chunks = requests(&all, true, false);
    assert_eq!(sizes(&chunks), [2, 4]);
    assert_eq!(
        chunks.last().unwrap().last(),
        all.last(),
        "the last set goes last"
    );
    // The role's lookup takes the place of one set in the read-back's request.
    assert_eq!(sizes(&requests(&all, true, true)), [3, 3]);
    assert_eq!(sizes(&requests(&sets(4), true, true)), [1, 3]);
}

#[test]
fn a_read_back_without_sets_is_a_request_of_its_own_and_no_sets_without_one_is_none() {
    assert_eq!(sizes(&requests(&[], true, false)), [0]);
    assert!(requests(&[], false, false).is_empty());
    assert_eq!(sizes(&requests(&sets(5), false, false)), [1, 4]);
}

#[test]
fn a_new_users_sets_and_read_back_ride_with_its_creation_while_their_queries_fit() {
    use crate::domain::PortalRoleLevel;
    use crate::engine::plan::{ContactWrite, UserWrite};
    let writes = |n: usize, role: bool| ProvisionWrites {
        contact: ContactWrite::Keep { id: "003".into() },
        user: UserWrite::Create {
            fields: serde_json::Map::new(),
        },
        unfreeze: None,
        assign: sets(n),
        send_welcome: false,
        email_change: None,
        role: role.then(|| RoleWrite {
            account_id: "001".into(),
            portal_type: "Partner",
            level: PortalRoleLevel::Manager,
        }),
    };
    // A query per set, one for the role, one for the site membership: five at most.
    assert!(rides_along(&writes(4, false)));
    assert!(!rides_along(&writes(5, false)));
    assert!(rides_along(&writes(3, true)));
    assert!(!rides_along(&writes(4, true)));
}
