use super::*;

#[test]
fn durations_take_a_unit() {
    assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
    assert_eq!(parse_duration("90m"), Ok(Duration::from_secs(5400)));
    assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
    assert!(parse_duration("0s").is_err());
    assert!(parse_duration("2w").is_err());
    assert!(parse_duration("h").is_err());
    assert!(parse_duration("99999999999999999999d").is_err());
}
