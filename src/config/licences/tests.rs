use super::{LicencesConfig, ReclaimAction};

#[test]
fn defaults_deactivate_after_ninety_days_with_no_exemptions() {
    let config: LicencesConfig = toml::from_str("").unwrap();
    assert_eq!(config.reclaim_after_days, 90);
    assert_eq!(config.action, ReclaimAction::Deactivate);
    assert!(config.problems().is_empty());
}

#[test]
fn a_freeze_with_exemptions_is_read_and_bad_values_are_named() {
    let config: LicencesConfig = toml::from_str(
        "reclaim_after_days = 30\naction = \"freeze\"\nexempt_profiles = [\"VIP\"]\nexempt_subject_prefixes = [\"\"]",
    )
    .unwrap();
    assert_eq!(config.action, ReclaimAction::Freeze);
    assert_eq!(config.exempt_profiles, ["VIP"]);
    let keys: Vec<_> = config.problems().into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["licences.exempt_subject_prefixes"]);
    let zero: LicencesConfig = toml::from_str("reclaim_after_days = 0").unwrap();
    assert_eq!(zero.problems()[0].0, "licences.reclaim_after_days");
    assert!(toml::from_str::<LicencesConfig>("action = \"delete\"").is_err());
}
