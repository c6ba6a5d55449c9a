use super::*;

#[test]
fn outcome_kinds_read_back_from_their_serde_names() {
    for kind in OUTCOME_KINDS {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
        assert_eq!(outcome_kind(kind.as_str()), Ok(kind));
    }
    assert!(outcome_kind("Succeeded").is_err());
}
