use std::collections::BTreeMap;

use chrono::Utc;

use super::{DriftClass, classify};
use crate::domain::SubjectKey;
use crate::reconcile::org_view::{OrgUser, OrgView};
use crate::store::{SubjectRecord, SubjectState};

fn record(key: &str, user: &str, state: SubjectState) -> SubjectRecord {
    SubjectRecord {
        subject_key: SubjectKey::parse(key).expect("key"),
        source: "hr".into(),
        access_source: None,
        purpose: None,
        sponsor: None,
        account_ref: None,
        account_id: Some("001A".into()),
        contact_id: None,
        user_id: Some(user.into()),
        username: None,
        nickname: None,
        licence: None,
        state,
        deactivation_trigger: None,
        end_at: None,
        welcome_email: None,
        pending_email: None,
        last_applied_source_time: None,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn user(id: &str, active: bool, frozen: bool, key: Option<&str>) -> OrgUser {
    OrgUser {
        user_id: id.into(),
        active,
        portal_enabled: true,
        frozen,
        profile: None,
        portal_role: None,
        account_id: Some("001A".into()),
        contact_id: None,
        contact_key: key.map(str::to_owned),
    }
}

#[test]
fn each_record_is_compared_with_its_user_and_strangers_are_unmanaged() {
    let records = vec![
        record("E-1", "005A", SubjectState::Deactivated),
        record("E-2", "005B", SubjectState::Provisioned),
        record("E-3", "005C", SubjectState::Provisioned),
        record("E-4", "005D", SubjectState::Provisioned),
        record("E-5", "005E", SubjectState::Provisioned),
    ];
    let mut view = OrgView::default();
    for u in [
        user("005A", true, false, None),
        user("005B", false, false, None),
        user("005C", true, true, None),
        user("005E", true, false, None),
        user("005X", true, false, Some("E-9")),
        user("005Y", true, false, Some("E-1")),
    ] {
        view.users.insert(u.user_id.clone(), u);
    }
    let drifts = classify(&records, &BTreeMap::new(), &view, &BTreeMap::new());
    let classes: Vec<(Option<&str>, DriftClass)> = drifts
        .iter()
        .map(|d| (d.subject_key.as_deref().or(d.user_id.as_deref()), d.class))
        .collect();
    assert_eq!(
        classes,
        vec![
            (Some("E-1"), DriftClass::Reenabled),
            (Some("E-2"), DriftClass::Inactive),
            (Some("E-3"), DriftClass::Frozen),
            (Some("E-4"), DriftClass::Missing),
            (Some("005X"), DriftClass::Unmanaged),
            (Some("005Y"), DriftClass::Unmanaged),
        ]
    );
    // A key no record holds is adoptable; one a record already holds is not.
    assert_eq!(drifts[4].adoptable_as.as_deref(), Some("E-9"));
    assert_eq!(drifts[5].adoptable_as, None);
    assert_eq!(drifts[0].evidence["record"]["state"], "deactivated");
    assert_eq!(drifts[0].evidence["org"]["is_active"], true);
}
