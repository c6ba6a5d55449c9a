use super::{SubrequestRefusal, SubrequestRefusals};

fn refusal(resource: &str, method: Option<&str>, count: u32) -> SubrequestRefusal {
    SubrequestRefusal {
        resource: resource.into(),
        method: method.map(str::to_owned),
        count,
    }
}

#[test]
fn a_refusal_catches_its_count_of_matching_subrequests_then_is_gone() {
    let mut armed = SubrequestRefusals::default();
    armed.arm(refusal("password", Some("DELETE"), 2)).unwrap();
    assert!(!armed.take("DELETE", Some("User")));
    assert!(!armed.take("GET", Some("password")));
    assert!(armed.take("delete", Some("Password")));
    assert_eq!(armed.view()[0].count, 1);
    assert!(armed.take("DELETE", Some("password")));
    assert!(armed.view().is_empty());
    assert!(!armed.take("DELETE", Some("password")));
}

#[test]
fn a_refusal_without_a_method_catches_any_and_nonsense_is_not_armed() {
    let mut armed = SubrequestRefusals::default();
    assert!(armed.arm(refusal(" ", None, 1)).is_err());
    assert!(armed.arm(refusal("password", None, 0)).is_err());
    armed.arm(refusal("password", None, 1)).unwrap();
    assert!(armed.take("POST", Some("password")));
    assert!(!armed.take("POST", None));
}
