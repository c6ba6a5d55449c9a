use super::*;

#[test]
fn empty_and_malformed_bodies_are_json_parser_errors() {
    assert_eq!(
        parse_value(b"").map_err(|e| e.code().to_owned()),
        Err("JSON_PARSER_ERROR".into())
    );
    assert_eq!(
        parse_value(b"{\"a\":").map_err(|e| e.code().to_owned()),
        Err("JSON_PARSER_ERROR".into())
    );
    let array = parse_value(b"[1]").and_then(|v| as_object(v, "SObject"));
    assert_eq!(
        array.map_err(|e| e.code().to_owned()),
        Err("JSON_PARSER_ERROR".into())
    );
    let record = parse_value(b"{\"LastName\":\"Doe\"}").and_then(|v| as_object(v, "SObject"));
    assert!(record.is_ok());
}

#[test]
fn path_segments_are_percent_decoded() {
    assert_eq!(decode_segment("jane%40acme.com"), "jane@acme.com");
    assert_eq!(decode_segment("a%2Fb"), "a/b");
    assert_eq!(decode_segment("a+b"), "a+b");
}
