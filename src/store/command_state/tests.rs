use super::*;

#[test]
fn states_round_trip_through_their_stored_and_serde_names() {
    for state in CommandState::ALL {
        assert_eq!(state.as_str().parse::<CommandState>(), Ok(*state));
        let json = serde_json::to_string(state).unwrap();
        assert_eq!(json, format!("\"{}\"", state.as_str()));
    }
    assert!("Running".parse::<CommandState>().is_err());
}

#[test]
fn only_commands_that_have_not_started_or_have_stopped_are_waiting() {
    let waiting: Vec<CommandState> = CommandState::ALL
        .iter()
        .copied()
        .filter(|state| state.is_waiting())
        .collect();
    assert_eq!(waiting, CommandState::WAITING);
    assert!(!CommandState::Running.is_waiting());
    assert!(!CommandState::Done.is_waiting());
}
