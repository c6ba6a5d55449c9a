use super::*;

fn sequence(faults: &Faults, n: usize) -> Vec<Option<FaultKind>> {
    (0..n).map(|_| faults.draw().fault).collect()
}

#[test]
fn the_same_seed_gives_the_same_faults() {
    let settings = FaultSettings {
        server_unavailable_rate: 0.3,
        unable_to_lock_row_rate: 0.2,
        drop_rate: 0.1,
        seed: 7,
        ..FaultSettings::default()
    };
    let a = sequence(&Faults::new(settings.clone()), 200);
    let b = sequence(&Faults::new(settings), 200);
    assert_eq!(a, b);
    assert!(a.contains(&Some(FaultKind::Drop)));
    assert!(a.contains(&None));
}

#[test]
fn rates_out_of_range_are_refused_and_change_nothing() {
    let faults = Faults::new(FaultSettings::default());
    let before = faults.settings();
    let refused = faults.update(FaultUpdate {
        drop_rate: Some(0.7),
        server_unavailable_rate: Some(0.6),
        ..FaultUpdate::default()
    });
    assert!(refused.is_err());
    assert_eq!(faults.settings(), before);
    assert!(
        faults
            .update(FaultUpdate {
                latency_ms: Some(MAX_DELAY_MS + 1),
                ..FaultUpdate::default()
            })
            .is_err()
    );
}

#[test]
fn jitter_stays_within_its_bound() {
    let faults = Faults::new(FaultSettings {
        latency_ms: 5,
        jitter_ms: 3,
        seed: 1,
        ..FaultSettings::default()
    });
    for _ in 0..100 {
        let delay = faults.draw().delay;
        assert!((5..=8).contains(&delay.as_millis()));
    }
}
