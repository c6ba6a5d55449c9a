use super::*;

#[test]
fn kinds_round_trip_through_their_stored_and_serde_names() {
    for kind in HistoryKind::ALL {
        assert_eq!(kind.as_str().parse::<HistoryKind>(), Ok(*kind));
        let json = serde_json::to_string(kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
    }
}
