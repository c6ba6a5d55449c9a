use super::*;

#[test]
fn data_paths_are_named_by_salesforces_resource_layout() {
    let cases = [
        (
            "/sobjects/User/005000000000001AAA",
            Some("/sobjects/{type}/{id}"),
        ),
        ("/sobjects/Contact", Some("/sobjects/{type}")),
        (
            "/sobjects/Contact/describe",
            Some("/sobjects/{type}/describe"),
        ),
        (
            "/sobjects/Contact/Gatehouse_Key__c/K-1",
            Some("/sobjects/{type}/{field}/{value}"),
        ),
        (
            "/sobjects/User/005x/password",
            Some("/sobjects/{type}/{id}/password"),
        ),
        ("/query", Some("/query")),
        ("/query/01gx-2000", Some("/query/{cursor}")),
        ("/composite", Some("/composite")),
        (
            "/composite/sobjects/Contact/Email",
            Some("/composite/sobjects/{type}/{field}"),
        ),
        ("/limits/", Some("/limits")),
        ("/nothing/here", None),
        ("", Some("/")),
    ];
    for (path, expected) in cases {
        assert_eq!(data_template(path).as_deref(), expected, "{path}");
    }
}

#[test]
fn other_paths_are_named_by_their_route() {
    assert_eq!(
        endpoint_name(
            "POST",
            "/services/oauth2/token",
            Some("/services/oauth2/token")
        ),
        "POST /services/oauth2/token"
    );
    assert_eq!(
        endpoint_name("GET", "/services/data/v68.0/sobjects/User/005x", None),
        "GET /sobjects/{type}/{id}"
    );
    assert_eq!(endpoint_name("GET", "/robots.txt", None), "GET (unknown)");
}
