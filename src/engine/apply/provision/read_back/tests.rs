use super::*;

fn sets(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("Set_{i}")).collect()
}

fn sizes(chunks: &[&[String]]) -> Vec<usize> {
    chunks.iter().map(|c| c.len()).collect()
}

#[test]
fn the_read_back_rides_with_the_last_sets_so_it_follows_every_assignment() {
    let all = sets(6);
    let chunks = requests(&all, true, false);
    assert_eq!(sizes(&chunks), [2, 4]);
    assert_eq!(
        chunks.last().unwrap().last(),
        all.last(),
        "the last set goes last"
    );
    // The role's lookup takes the place of one set in the read-back's request.
    assert_eq!(sizes(&requests(&all, true, true)), [3, 3]);
    assert_eq!(sizes(&requests(&sets(4), true, true)), [1, 3]);
}

#[test]
fn a_read_back_without_sets_is_a_request_of_its_own_and_no_sets_without_one_is_none() {
    assert_eq!(sizes(&requests(&[], true, false)), [0]);
    assert!(requests(&[], false, false).is_empty());
    assert_eq!(sizes(&requests(&sets(5), false, false)), [1, 4]);
}
