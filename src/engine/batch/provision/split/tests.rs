use super::{InQuery, split_in};
use crate::salesforce::CompositeRequest;

const BASE: usize = "/services/data/v68.0".len();

fn query() -> InQuery<'static> {
    InQuery {
        head: "SELECT Id FROM Contact WHERE Gatehouse_Key__c IN ",
        tail: "",
    }
}

fn uri(soql: &str) -> usize {
    BASE + CompositeRequest::query_url_bytes(soql)
}

fn keys(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("partner-portal:user-{i:05}"))
        .collect()
}

#[test]
fn a_short_list_is_one_query() {
    let keys = keys(3);
    let values: Vec<&str> = keys.iter().map(String::as_str).collect();
    let queries = split_in(&query(), &values, BASE, 16_384, 200);
    assert_eq!(
        queries,
        vec![
            "SELECT Id FROM Contact WHERE Gatehouse_Key__c IN ('partner-portal:user-00000', 'partner-portal:user-00001', 'partner-portal:user-00002')"
        ]
    );
}

#[test]
fn every_query_fits_the_uri_limit_and_every_value_is_asked_once() {
    let keys = keys(1_000);
    let values: Vec<&str> = keys.iter().map(String::as_str).collect();
    for limit in [600, 2_000, 16_384] {
        let queries = split_in(&query(), &values, BASE, limit, 1_000);
        assert!(queries.len() > 1, "{limit}: a thousand keys need several");
        let mut asked = Vec::new();
        for q in &queries {
            assert!(uri(q) <= limit, "{limit}: {} bytes", uri(q));
            asked.extend(q.split('\'').skip(1).step_by(2).map(str::to_owned));
        }
        assert_eq!(asked, keys, "{limit}: each key once, in order");
    }
}

#[test]
fn a_query_is_filled_up_to_the_limit_not_short_of_it() {
    let keys = keys(1_000);
    let values: Vec<&str> = keys.iter().map(String::as_str).collect();
    let queries = split_in(&query(), &values, BASE, 2_000, 1_000);
    let key_cost = CompositeRequest::encoded_bytes("'partner-portal:user-00000', ");
    for q in &queries[..queries.len() - 1] {
        assert!(uri(q) + key_cost > 2_000, "room for one more: {}", uri(q));
    }
}

#[test]
fn characters_that_are_encoded_count_as_encoded() {
    // A space is sent as %20: three bytes, not one.
    let keys: Vec<String> = (0..400).map(|i| format!("a b c d {i:03}")).collect();
    let values: Vec<&str> = keys.iter().map(String::as_str).collect();
    for q in split_in(&query(), &values, BASE, 1_000, 1_000) {
        assert!(uri(&q) <= 1_000, "{} bytes", uri(&q));
    }
}

#[test]
fn at_most_the_given_number_of_values_per_query() {
    let keys = keys(450);
    let values: Vec<&str> = keys.iter().map(String::as_str).collect();
    let queries = split_in(&query(), &values, BASE, usize::MAX, 200);
    let counts: Vec<usize> = queries
        .iter()
        .map(|q| q.matches('\'').count() / 2)
        .collect();
    assert_eq!(counts, vec![200, 200, 50]);
}

#[test]
fn quotes_in_values_are_escaped() {
    let queries = split_in(&query(), &["o'brien"], BASE, 16_384, 200);
    assert_eq!(
        queries,
        vec!["SELECT Id FROM Contact WHERE Gatehouse_Key__c IN ('o\\'brien')"]
    );
}
