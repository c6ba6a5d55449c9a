use super::*;

#[test]
fn a_call_keeps_only_the_headers_that_change_an_answer() {
    let call = Call::from_url(
        Method::GET,
        "/services/data/v68.0/query?q=x",
        CallBody::Raw(web::Bytes::new()),
    )
    .expect("call")
    .with_headers([
        ("Authorization", "Bearer 00D!secret"),
        ("Sforce-Query-Options", "batchSize=500"),
        ("X-PrettyPrint", "1"),
    ]);
    assert_eq!(
        call.headers,
        [(
            "sforce-query-options".to_owned(),
            "batchSize=500".to_owned()
        )]
    );
    assert_eq!(call.header("SFORCE-QUERY-OPTIONS"), Some("batchSize=500"));
    assert!(!format!("{call:?}").contains("secret"));
}
