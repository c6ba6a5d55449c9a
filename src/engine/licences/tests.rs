use serde_json::json;

use super::*;

fn counted(name: &str, total: i64, used: i64) -> LicenceCount {
    LicenceCount {
        name: name.to_owned(),
        total,
        used,
    }
}

#[test]
fn room_is_what_the_org_had_free_less_what_was_taken_since() {
    let counts = LicenceCounts::default();
    assert!(counts.stale(), "nothing read yet");
    assert!(!counts.has_room("Partner Community"), "unknown: no room");
    counts.refresh(&[
        counted("Partner Community", 3, 1),
        counted("Customer Community", 5, 5),
    ]);
    assert!(!counts.stale());
    assert!(counts.has_room("Partner Community"));
    assert!(!counts.has_room("Customer Community"));
    counts.take("Partner Community", Instant::now());
    assert!(counts.has_room("Partner Community"));
    counts.take("Partner Community", Instant::now());
    assert!(
        !counts.has_room("Partner Community"),
        "both free ones taken"
    );
    assert_eq!(counts.with_room(), Vec::<String>::new());
}

#[test]
fn a_refusal_for_want_of_a_licence_empties_the_count_until_the_next_reading() {
    let counts = LicenceCounts::default();
    counts.refresh(&[counted("Partner Community", 50, 2)]);
    counts.exhausted("Partner Community");
    assert!(!counts.has_room("Partner Community"));
    counts.refresh(&[counted("Partner Community", 50, 49)]);
    assert!(counts.has_room("Partner Community"));
}

#[test]
fn counts_are_read_from_user_licence_rows_whole_or_decimal() {
    let rows: Vec<Record> = serde_json::from_value(json!([
        {"attributes": {"type": "UserLicense"}, "Name": "Partner Community", "TotalLicenses": 50, "UsedLicenses": 2},
        {"attributes": {"type": "UserLicense"}, "Name": "Customer Community", "TotalLicenses": 5.0, "UsedLicenses": 5.0},
        {"attributes": {"type": "UserLicense"}, "Name": "No Counts"}
    ]))
    .expect("records");
    assert_eq!(
        LicenceCount::from_records(&rows),
        [
            counted("Partner Community", 50, 2),
            counted("Customer Community", 5, 5)
        ]
    );
}

#[test]
fn a_reading_made_while_a_user_was_written_is_not_lowered_again() {
    let counts = LicenceCounts::default();
    let started = Instant::now();
    // Another command's read lands after this write began: it may hold the new user already.
    counts.refresh(&[counted("Customer Community", 5, 4)]);
    counts.take("Customer Community", started);
    assert_eq!(counts.free("Customer Community"), Some(1));
    // A write that began after the reading is counted.
    counts.take("Customer Community", Instant::now());
    assert_eq!(counts.free("Customer Community"), Some(0));
}
