use super::*;

#[test]
fn names_round_trip_through_their_stored_and_serde_forms() {
    for state in SubjectState::ALL {
        assert_eq!(state.as_str().parse::<SubjectState>(), Ok(*state));
        let json = serde_json::to_string(state).unwrap();
        assert_eq!(json, format!("\"{}\"", state.as_str()));
    }
    for email in WelcomeEmailState::ALL {
        assert_eq!(email.as_str().parse::<WelcomeEmailState>(), Ok(*email));
        let json = serde_json::to_string(email).unwrap();
        assert_eq!(json, format!("\"{}\"", email.as_str()));
    }
    assert!("bysite".parse::<WelcomeEmailState>().is_err());
}
