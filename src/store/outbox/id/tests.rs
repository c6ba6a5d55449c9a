use super::*;

#[test]
fn a_generated_id_parses_back_and_other_shapes_do_not() {
    let id = OutboxId::generate();
    assert_eq!(OutboxId::parse(id.as_str()), Ok(id.clone()));
    let v4 = format!("out_{}", Uuid::new_v4().hyphenated());
    let upper = format!("out_{}", id.as_str()[4..].to_uppercase());
    for text in ["", "out_", "evt_x", v4.as_str(), upper.as_str()] {
        assert_eq!(OutboxId::parse(text), Err(OutboxIdError), "{text:?}");
    }
}
