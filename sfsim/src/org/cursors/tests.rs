use super::*;
use crate::soql::MAX_BATCH_SIZE;
use serde_json::json;

#[test]
fn large_results_are_paged_in_batches_behind_a_locator() {
    let mut cursors = QueryCursors::default();
    let records: Vec<Value> = (0..4500).map(|i| json!(i)).collect();
    let first = cursors.first_page(records, MAX_BATCH_SIZE);
    assert_eq!(first.total_size, 4500);
    assert_eq!(first.records.len(), MAX_BATCH_SIZE);
    let next = first.next.expect("second page");
    assert!(next.starts_with(ids::QUERY_LOCATOR) && next.ends_with("-2000"));
    let second = cursors.page(&next).expect("page");
    assert_eq!(second.records.first(), Some(&json!(2000)));
    let third = cursors.page(&second.next.expect("third")).expect("page");
    assert_eq!(third.records.len(), 500);
    assert_eq!(third.next, None);
}

#[test]
fn later_pages_keep_the_batch_size_of_the_first() {
    let mut cursors = QueryCursors::default();
    let records: Vec<Value> = (0..1100).map(|i| json!(i)).collect();
    let first = cursors.first_page(records, 500);
    assert_eq!(first.records.len(), 500);
    let next = first.next.expect("second page");
    assert!(next.ends_with("-500"), "{next}");
    let second = cursors.page(&next).expect("page");
    assert_eq!(second.records.len(), 500);
    assert_eq!(second.records.first(), Some(&json!(500)));
    let third = cursors.page(&second.next.expect("third")).expect("page");
    assert_eq!((third.records.len(), third.next), (100, None));
}

#[test]
fn unknown_locators_are_refused() {
    let mut cursors = QueryCursors::default();
    let error = cursors
        .page("01g5g0000000001AAA-2000")
        .expect_err("unknown");
    assert_eq!(error.code(), "INVALID_QUERY_LOCATOR");
    assert!(cursors.page("garbage").is_err());
}
