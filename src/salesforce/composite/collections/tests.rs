use super::*;

#[test]
fn records_carry_their_type_and_updates_their_id() {
    let fields = json!({"LastName": "Doe", "Id": "ignored"})
        .as_object()
        .unwrap()
        .clone();
    assert_eq!(
        typed("Contact", &fields, Some("003A")),
        json!({"attributes": {"type": "Contact"}, "id": "003A", "LastName": "Doe"})
    );
    let new = json!({"LastName": "Doe"}).as_object().unwrap().clone();
    assert_eq!(
        typed("Contact", &new, None),
        json!({"attributes": {"type": "Contact"}, "LastName": "Doe"})
    );
}

#[test]
fn sizes_outside_one_to_two_hundred_are_refused() {
    assert!(check_size(0).is_err());
    assert!(check_size(1).is_ok());
    assert!(check_size(200).is_ok());
    let err = check_size(201).unwrap_err();
    assert!(err.to_string().contains("201 records"), "{err}");
}
