use super::*;

#[test]
fn json_format_accepts_json_media_types_with_parameters() {
    assert!(BodyFormat::Json.accepts("application/json"));
    assert!(BodyFormat::Json.accepts("Application/JSON; charset=utf-8"));
    assert!(BodyFormat::Json.accepts("application/cloudevents+json"));
    assert!(!BodyFormat::Json.accepts("text/plain"));
    assert!(!BodyFormat::Json.accepts(""));
}

#[test]
fn soap_format_accepts_xml_media_types_only() {
    assert!(BodyFormat::SoapXml.accepts("text/xml; charset=UTF-8"));
    assert!(BodyFormat::SoapXml.accepts("application/soap+xml"));
    assert!(!BodyFormat::SoapXml.accepts("application/json"));
}
