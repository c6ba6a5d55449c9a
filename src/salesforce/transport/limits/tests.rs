use super::*;

#[test]
fn the_daily_allowance_is_read_as_usage() {
    let answer = serde_json::json!({
        "DailyApiRequests": {"Max": 100000, "Remaining": 99000},
        "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
        "Odd": "shape"
    });
    let limits = OrgLimits::from_answer(answer.as_object().unwrap().clone());
    assert_eq!(
        limits.api_usage(),
        Some(ApiUsage {
            used: 1000,
            max: 100000
        })
    );
    assert_eq!(limits.get("DailyBulkApiBatches").unwrap().remaining, 15000);
    assert_eq!(limits.get("Odd"), None);
}
