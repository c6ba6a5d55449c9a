use super::*;

fn record(offset: i64, payload: usize) -> Record {
    Record {
        partition: 0,
        offset,
        key: Some(b"key".to_vec()),
        payload: Some(vec![b'x'; payload]),
        headers: vec![("content-type".to_owned(), Some(b"json".to_vec()))],
    }
}

const LIMIT: usize = 16 << 20;

#[test]
fn many_small_records_fill_it_by_count_and_it_empties_in_order() {
    let mut held = HeldBack::default();
    for offset in 0..PAUSE_AT_RECORDS as i64 - 1 {
        held.push_back(record(offset, 10));
    }
    assert!(!held.is_full(LIMIT));
    held.push_back(record(PAUSE_AT_RECORDS as i64 - 1, 10));
    assert!(held.is_full(LIMIT));
    assert!(!held.is_low(LIMIT));
    assert_eq!(held.len(), PAUSE_AT_RECORDS);
    let mut next = 0;
    while let Some(record) = held.pop_front() {
        assert_eq!(record.offset, next);
        next += 1;
    }
    assert_eq!(next, PAUSE_AT_RECORDS as i64);
    assert!(held.is_low(LIMIT) && held.is_empty());
}

#[test]
fn a_few_large_records_fill_it_by_bytes() {
    let mut held = HeldBack::default();
    let large = 1 << 20;
    for offset in 0..15 {
        held.push_back(record(offset, large));
    }
    assert!(!held.is_full(LIMIT), "15 MiB and headers stay below 16 MiB");
    held.push_back(record(15, large));
    assert!(held.is_full(LIMIT));
    // Twelve records gone leaves 4 MiB and a little: still more than a quarter.
    for _ in 0..12 {
        held.pop_front();
    }
    assert!(!held.is_low(LIMIT));
    held.pop_front();
    assert!(held.is_low(LIMIT));
}

#[test]
fn a_record_put_back_keeps_its_place_and_its_size() {
    let mut held = HeldBack::default();
    held.push_back(record(1, 100));
    held.push_back(record(2, 100));
    let first = held.pop_front().unwrap();
    held.push_front(first);
    assert_eq!(held.pop_front().unwrap().offset, 1);
    assert_eq!(held.pop_front().unwrap().offset, 2);
    assert_eq!(held.bytes(), 0);
    held.push_back(record(3, 100));
    held.clear();
    assert!(held.is_empty() && held.bytes() == 0);
}
