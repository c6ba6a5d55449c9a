use super::*;

#[test]
fn values_stay_one_segment_whatever_they_contain() {
    assert_eq!(segment("acme/42 b"), "acme%2F42%20b");
    assert_eq!(segment("a?b#c%d"), "a%3Fb%23c%25d");
    assert_eq!(segment("K-101_x.y~z"), "K-101_x.y~z");
    assert_eq!(segment(".."), "%2E%2E");
    assert_eq!(segment("."), "%2E");
    assert_eq!(segment("..."), "...");
    assert_eq!(segment("Zoë"), "Zo%C3%AB");
    assert_eq!(segment("@{ref.id}"), "%40%7Bref.id%7D");
    assert_eq!(segment(""), "");
}

#[test]
fn encoded_segments_decode_back_to_the_value() {
    for value in [
        "acme/42 b",
        "50%/50%",
        "a+b=c&d",
        "ünï/cödé",
        "\u{0}\n",
        "../..",
    ] {
        let encoded = segment(value);
        assert!(!encoded.contains('/'), "{encoded}");
        let decoded = percent_encoding::percent_decode_str(&encoded)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, value);
    }
}

#[test]
fn endpoint_templates_keep_object_names_and_drop_ids_and_keys() {
    let paths = DataPaths::new("68.0");
    let cases = [
        (paths.record("Contact", "003x"), "/sobjects/Contact/{id}"),
        (paths.sobject("User"), "/sobjects/User"),
        (
            paths.external("Contact", "Gatehouse_Key__c", "partner-portal:4711"),
            "/sobjects/Contact/Gatehouse_Key__c/{value}",
        ),
        (paths.password("005x"), "/sobjects/User/{id}/password"),
        (format!("{}?q=SELECT+Email", paths.query()), "/query"),
        (
            "/services/data/v68.0/query/01gx-2000".to_owned(),
            "/query/{cursor}",
        ),
        (paths.composite(), "/composite"),
        (paths.collections(), "/composite/sobjects"),
        (
            paths.collections_upsert("Contact", "Gatehouse_Key__c"),
            "/composite/sobjects/Contact/Gatehouse_Key__c",
        ),
        (paths.limits(), "/limits"),
        (paths.sobject("a b"), "/sobjects/{type}"),
        ("/services/oauth2/token".to_owned(), "other"),
        ("/services/data/v68.0/x/y/z/w/v".to_owned(), "other"),
    ];
    for (path, template) in cases {
        assert_eq!(endpoint_template(&path), template, "{path}");
    }
}

#[test]
fn paths_put_each_piece_in_its_place() {
    let paths = DataPaths::new("68.0");
    assert_eq!(
        paths.record("Contact", "003000000000001AAA"),
        "/services/data/v68.0/sobjects/Contact/003000000000001AAA"
    );
    assert_eq!(
        paths.external("Contact", "Gatehouse_Key__c", "partner portal/4711"),
        "/services/data/v68.0/sobjects/Contact/Gatehouse_Key__c/partner%20portal%2F4711"
    );
    assert_eq!(
        paths.password("005x"),
        "/services/data/v68.0/sobjects/User/005x/password"
    );
    assert_eq!(
        paths.collections_upsert("Contact", "Gatehouse_Key__c"),
        "/services/data/v68.0/composite/sobjects/Contact/Gatehouse_Key__c"
    );
    assert_eq!(DataPaths::fields_query(&["Id", "Name"]), "?fields=Id,Name");
    assert_eq!(DataPaths::fields_query(&[]), "");
}
