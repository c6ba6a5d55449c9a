use super::*;

#[test]
fn deprovision_modes_read_and_write_their_config_names() {
    let d: Deprovision = serde_json::from_value(serde_json::json!({
        "mode": "freeze-then-deactivate", "grace": 86400, "trigger": "left"
    }))
    .unwrap();
    assert_eq!(
        d.mode,
        DeprovisionMode::FreezeThenDeactivate {
            grace: Duration::from_secs(86400)
        }
    );
    assert_eq!(d.mode.name(), "freeze-then-deactivate");
    let back = serde_json::to_value(&d).unwrap();
    assert_eq!(back["mode"], "freeze-then-deactivate");
    assert_eq!(back["grace"], 86400);
}
