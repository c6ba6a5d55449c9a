//! Licences left, per licence of the rules' profiles.

use std::collections::BTreeMap;

use serde_json::Value;

use super::checklist::Check;
use super::named::by_name;
use super::needs::Needs;
use super::org_view::OrgView;

/// Below this share of the total left, the check warns.
const LOW_PERCENT: i64 = 10;

/// A licence as a profile's `UserLicense` shows it.
struct Pool {
    total: i64,
    used: i64,
    profiles: Vec<String>,
}

/// One check per licence the rules' profiles draw on: none left fails (provisions park until
/// one frees up), few left warns.
pub(super) fn licences(needs: &Needs, view: &OrgView) -> Vec<Check> {
    let Ok(rows) = &view.profiles else {
        // The profile checks already report why the profiles could not be read.
        return Vec::new();
    };
    let mut pools: BTreeMap<String, Pool> = BTreeMap::new();
    for profile in needs.profiles() {
        let Some(licence) = by_name(rows, profile).and_then(|r| r.parent("UserLicense")) else {
            continue;
        };
        let number = |field: &str| licence.get(field).and_then(Value::as_i64).unwrap_or(0);
        let name = licence.text("Name").unwrap_or("unnamed licence").to_owned();
        pools
            .entry(name)
            .or_insert_with(|| Pool {
                total: number("TotalLicenses"),
                used: number("UsedLicenses"),
                profiles: Vec::new(),
            })
            .profiles
            .push(profile.to_owned());
    }
    pools
        .into_iter()
        .map(|(name, pool)| check(&name, &pool))
        .collect()
}

fn check(name: &str, pool: &Pool) -> Check {
    let left = (pool.total - pool.used).max(0);
    let check = format!("licences {name}");
    let detail = format!(
        "{left} of {} left (profiles {})",
        pool.total,
        pool.profiles.join(", ")
    );
    let fix = "buy more, or free some by deactivating users who no longer need this licence; until then Gatehouse parks provisions that need one";
    if left == 0 {
        Check::fail(check, detail, fix)
    } else if left * 100 < pool.total * LOW_PERCENT {
        Check::warn(check, detail, fix)
    } else {
        Check::pass(check, detail)
    }
}
