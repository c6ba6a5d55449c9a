use chrono::{DateTime, TimeDelta, Utc};

use super::{LicenceKind, plan_reclaim, report};
use crate::config::LicencesConfig;
use crate::domain::SubjectKey;
use crate::reconcile::licences::org::{OrgLicence, OrgLicences, OrgUser};
use crate::store::{SubjectRecord, SubjectState};

fn now() -> DateTime<Utc> {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn user(id: &str, licence: &str, profile: &str, days_since_login: Option<i64>) -> OrgUser {
    OrgUser {
        id: id.to_owned(),
        profile: Some(profile.to_owned()),
        licence: Some(licence.to_owned()),
        last_login: days_since_login.map(|d| now() - TimeDelta::days(d)),
        created: Some(now() - TimeDelta::days(400)),
        exempt_sets: Vec::new(),
    }
}

fn subject(key: &str, user_id: &str, state: SubjectState) -> SubjectRecord {
    SubjectRecord {
        subject_key: SubjectKey::parse(key).unwrap(),
        source: "hr".into(),
        access_source: Some("hr".into()),
        purpose: Some("contractor".into()),
        sponsor: Some("s@example.com".into()),
        account_ref: Some("key:A-1".into()),
        account_id: None,
        contact_id: None,
        user_id: Some(user_id.to_owned()),
        username: None,
        nickname: None,
        licence: None,
        state,
        deactivation_trigger: None,
        end_at: None,
        welcome_email: None,
        pending_email: None,
        last_applied_source_time: None,
        created_at: now(),
        updated_at: now(),
    }
}

fn org() -> OrgLicences {
    let mut vip = user("005000000000004AAA", "Customer Community", "VIP", Some(200));
    vip.profile = Some("VIP".into());
    let mut held = user(
        "005000000000005AAA",
        "Customer Community",
        "Member",
        Some(200),
    );
    held.exempt_sets = vec!["Keep_Me".into()];
    OrgLicences {
        licences: vec![
            OrgLicence {
                name: "Customer Community".into(),
                definition_key: Some("PID_Customer_Community".into()),
                total: 10,
                used: 7,
            },
            OrgLicence {
                name: "Customer Community Login".into(),
                definition_key: Some("PID_Customer_Community_Login".into()),
                total: 100,
                used: 0,
            },
        ],
        users: vec![
            user(
                "005000000000001AAA",
                "Customer Community",
                "Member",
                Some(10),
            ),
            user(
                "005000000000002AAA",
                "Customer Community",
                "Member",
                Some(120),
            ),
            // Never logged in: created 400 days ago.
            user("005000000000003AAA", "Customer Community", "Member", None),
            vip,
            held,
            user(
                "005000000000006AAA",
                "Customer Community",
                "Member",
                Some(300),
            ),
            user(
                "005000000000007AAA",
                "Customer Community",
                "Member",
                Some(300),
            ),
        ],
        calls: 2,
    }
}

fn subjects() -> Vec<SubjectRecord> {
    vec![
        subject("hr:1", "005000000000001", SubjectState::Provisioned),
        subject("hr:2", "005000000000002AAA", SubjectState::Provisioned),
        subject("hr:3", "005000000000003AAA", SubjectState::Provisioned),
        subject("hr:4", "005000000000004AAA", SubjectState::Provisioned),
        subject("hr:5", "005000000000005AAA", SubjectState::Provisioned),
        subject("vip:6", "005000000000006AAA", SubjectState::Provisioned),
        // Frozen by Gatehouse already: not reclaimed again.
        subject("hr:7", "005000000000007AAA", SubjectState::Frozen),
    ]
}

#[test]
fn the_inactive_are_reclaimed_and_each_exemption_keeps_its_own() {
    let config = LicencesConfig {
        exempt_profiles: vec!["vip".into()],
        exempt_permission_sets: vec!["Keep_Me".into()],
        exempt_subject_prefixes: vec!["vip:".into()],
        ..LicencesConfig::default()
    };
    let plan = plan_reclaim(&org(), &subjects(), &config, now());
    let reclaimed: Vec<&str> = plan.reclaim.iter().map(|p| p.subject.as_str()).collect();
    assert_eq!(reclaimed, ["hr:2", "hr:3"]);
    let exempt: Vec<(&str, &str)> = plan
        .exempt
        .iter()
        .map(|p| (p.subject.as_str(), p.exempt.as_deref().unwrap()))
        .collect();
    assert_eq!(
        exempt,
        [
            ("hr:4", "profile 'VIP'"),
            ("hr:5", "permission set 'Keep_Me'"),
            ("vip:6", "subject prefix 'vip:'")
        ]
    );
}

#[test]
fn the_report_splits_each_licence_between_managed_and_others() {
    let mut subjects = subjects();
    subjects.truncate(3);
    let report = report(&org(), &subjects, &LicencesConfig::default(), now());
    let member = &report.licences[0];
    assert_eq!(member.kind, LicenceKind::MemberBased);
    assert_eq!(
        (member.total, member.used, member.managed, member.others),
        (10, 7, 3, 4)
    );
    // 120, never (400), 200, 200, 300, 300 days: six past 90.
    assert_eq!(member.inactive, 6);
    assert_eq!(report.licences[1].kind, LicenceKind::LoginBased);
    assert_eq!(report.people.len(), 3);
    assert_eq!(report.people[0].purpose.as_deref(), Some("contractor"));
    assert!(!report.people[0].inactive);
    assert!(report.people[1].inactive);
}
