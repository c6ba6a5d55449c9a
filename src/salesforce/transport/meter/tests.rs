use super::*;

#[test]
fn clones_count_into_one_total() {
    let meter = CallMeter::new();
    let view = meter.clone();
    view.count_one();
    meter.count_one();
    assert_eq!(meter.calls(), 2);
    assert_eq!(view.calls(), 2);
}
