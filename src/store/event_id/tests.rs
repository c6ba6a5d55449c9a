use super::*;

#[test]
fn generated_ids_sort_in_the_order_they_were_made() {
    let ids: Vec<EventId> = (0..1000).map(|_| EventId::generate()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[test]
fn a_generated_id_parses_back_to_itself() {
    let id = EventId::generate();
    assert_eq!(EventId::parse(id.as_str()), Ok(id));
}

#[test]
fn other_spellings_and_shapes_are_refused() {
    let id = EventId::generate();
    let upper = format!("evt_{}", id.as_str()[4..].to_uppercase());
    let simple = format!("evt_{}", id.as_str()[4..].replace('-', ""));
    let v4 = format!("evt_{}", Uuid::new_v4().hyphenated());
    for text in [
        "",
        "evt_",
        id.as_str().trim_start_matches("evt_"),
        &upper,
        &simple,
        &v4,
        "evt_../../etc",
    ] {
        assert_eq!(EventId::parse(text), Err(EventIdError), "{text:?}");
    }
}

#[test]
fn serialises_as_a_plain_string() {
    let id = EventId::generate();
    let json = serde_json::to_string(&id).unwrap();
    assert_eq!(json, format!("\"{id}\""));
    let back: EventId = serde_json::from_str(&json).unwrap();
    assert_eq!(back, id);
    assert!(serde_json::from_str::<EventId>("\"evt_nope\"").is_err());
}
