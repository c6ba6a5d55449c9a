use super::*;

struct Pairs(Vec<(&'static str, &'static [u8])>);

impl Headers for Pairs {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

fn source(toml_text: &str) -> SourceConfig {
    toml::from_str(toml_text).unwrap()
}

#[test]
fn the_configured_event_id_wins_and_says_where_it_came_from() {
    let by_header = source("event_id = { header = \"X-Event-Id\" }");
    let headers = Pairs(vec![("x-event-id", b" e-1 ")]);
    assert_eq!(
        dedupe_key("s", &by_header, &headers, None, b"{}", Some("msg")),
        Ok(("e-1".to_owned(), KeyOrigin::Header))
    );
    let by_body = source("event_id = { json_pointer = \"/id\" }");
    let parsed = parse_body(&by_body, br#"{"id": 42}"#).unwrap();
    assert_eq!(
        dedupe_key("s", &by_body, &Pairs(vec![]), parsed.as_ref(), b"", None),
        Ok(("42".to_owned(), KeyOrigin::Body))
    );
}

#[test]
fn without_an_event_id_the_message_id_then_the_body_hash_is_the_key() {
    let plain = source("");
    let none = Pairs(vec![]);
    assert_eq!(
        dedupe_key("s", &plain, &none, None, b"{}", Some("msg_1")),
        Ok(("msg_1".to_owned(), KeyOrigin::Header))
    );
    let (key, origin) = dedupe_key("s", &plain, &none, None, b"{}", None).unwrap();
    assert_eq!(origin, KeyOrigin::ContentHash);
    assert_eq!(key, content_hash(b"{}"));
    assert_ne!(key, content_hash(b"{ }"), "only identical bytes match");
}

#[test]
fn a_missing_event_id_names_where_it_was_looked_for() {
    let by_body = source("event_id = { json_pointer = \"/id\" }");
    let parsed = parse_body(&by_body, br#"{"id": ""}"#).unwrap();
    let missing =
        dedupe_key("hr", &by_body, &Pairs(vec![]), parsed.as_ref(), b"", None).unwrap_err();
    assert_eq!(missing.place, "in the body at /id");
    assert!(missing.to_string().contains("source 'hr'"), "{missing}");
}

#[test]
fn bodies_are_checked_against_the_format_and_parsed_only_when_read() {
    let json = source("");
    assert!(matches!(parse_body(&json, b"{}"), Ok(None)));
    assert!(matches!(
        parse_body(&json, b"{nope"),
        Err(BodyError::MalformedJson(_))
    ));
    let soap = source("format = \"soap-xml\"");
    assert!(matches!(
        parse_body(&soap, b"  \n"),
        Err(BodyError::EmptySoap)
    ));
    assert!(matches!(parse_body(&soap, b"<a/>"), Ok(None)));
    let timed = source("event_time = { json_pointer = \"/at\" }");
    let parsed = parse_body(&timed, br#"{"at":"2026-01-02T03:04:05Z"}"#).unwrap();
    let at = event_time(&timed, &Pairs(vec![]), parsed.as_ref()).unwrap();
    assert_eq!(at.to_rfc3339(), "2026-01-02T03:04:05+00:00");
}
