use super::*;

const SAMPLE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn a_valid_traceparent_round_trips() {
    let parsed = parse(SAMPLE).expect("valid");
    assert_eq!(
        parsed.trace_id().to_string(),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    assert!(parsed.is_sampled());
    assert_eq!(format(&parsed), SAMPLE);
    let later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra";
    assert!(parse(later).is_some(), "a later version may append fields");
}

#[test]
fn malformed_or_all_zero_traceparents_are_refused() {
    for bad in [
        "",
        "garbage",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
    ] {
        assert!(parse(bad).is_none(), "{bad:?}");
    }
}

#[test]
fn without_exported_spans_the_senders_context_is_kept_or_a_fresh_one_made() {
    let span = tracing::info_span!("webhook", trace_id = tracing::field::Empty);
    assert_eq!(to_keep(&span, Some(SAMPLE)), SAMPLE);
    let fresh = to_keep(&span, None);
    let parsed = parse(&fresh).expect("a valid traceparent");
    assert_ne!(
        parsed.trace_id().to_string(),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    assert_ne!(to_keep(&span, Some("garbage")), fresh, "each is fresh");
}
