use super::*;
use serde_json::json;

fn numbered(n: usize) -> Vec<Value> {
    (0..n).map(|i| json!({ "n": i })).collect()
}

#[test]
fn records_beyond_the_batch_are_kept_for_later_in_order() {
    let (first, rest) = paginate(numbered(4500), MAX_BATCH_SIZE);
    assert_eq!(first.len(), 2000);
    assert_eq!(rest.len(), 2500);
    assert_eq!(first[1999], json!({ "n": 1999 }));
    assert_eq!(rest[0], json!({ "n": 2000 }));
    let (second, rest) = paginate(rest, MAX_BATCH_SIZE);
    assert_eq!((second.len(), rest.len()), (2000, 500));
}

#[test]
fn a_result_that_fits_leaves_nothing_behind() {
    let (first, rest) = paginate(numbered(3), MAX_BATCH_SIZE);
    assert_eq!(first.len(), 3);
    assert!(rest.is_empty());
    let (first, rest) = paginate(Vec::new(), MAX_BATCH_SIZE);
    assert!(first.is_empty() && rest.is_empty());
    let (first, rest) = paginate(numbered(2), 0);
    assert_eq!((first.len(), rest.len()), (1, 1));
}

#[test]
fn requested_batch_sizes_stay_within_salesforce_bounds() {
    assert_eq!(batch_size(None), 2000);
    assert_eq!(batch_size(Some(50)), 200);
    assert_eq!(batch_size(Some(500)), 500);
    assert_eq!(batch_size(Some(10_000)), 2000);
}
