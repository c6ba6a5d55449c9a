//! The checklist: one line per check, with what was seen and the fix for each failure.

use std::fmt;

use serde::Serialize;

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The org is as Gatehouse needs it.
    Pass,
    /// Gatehouse will fail here: every provision or deprovision it touches would be refused.
    Fail,
    /// Gatehouse works, but some people or some outcomes will not be as the rules intend.
    Warn,
    /// No API shows it: an admin looks in Setup.
    Manual,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "FAIL",
            Status::Warn => "warn",
            Status::Manual => "manual",
        }
    }
}

/// One check: what was checked, how it ended, what was seen, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked, e.g. `key field Contact.Gatehouse_Key__c`.
    pub name: String,
    pub status: Status,
    /// What the org showed.
    pub detail: String,
    /// What to change, for anything but a pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    /// A passed check.
    pub fn pass(name: impl Into<String>, detail: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status: Status::Pass,
            detail: detail.into(),
            fix: None,
        }
    }

    /// A check that did not pass, with its fix.
    pub fn not_passed(
        status: Status,
        name: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check {
            name: name.into(),
            status,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    /// A failed check.
    pub fn fail(
        name: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check::not_passed(Status::Fail, name, detail, fix)
    }

    /// A check that passed with a reservation.
    pub fn warn(
        name: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check::not_passed(Status::Warn, name, detail, fix)
    }

    /// Something an admin checks in Setup.
    pub fn manual(
        name: impl Into<String>,
        detail: impl Into<String>,
        how: impl Into<String>,
    ) -> Check {
        Check::not_passed(Status::Manual, name, detail, how)
    }
}

/// Every check of one org, in the order they ran.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Checklist {
    /// The org checked: its login URL and the flow, for the heading.
    pub org: String,
    pub checks: Vec<Check>,
}

impl Checklist {
    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status == Status::Fail)
    }

    /// Whether nothing failed (warnings and manual checks do not count).
    pub fn passed(&self) -> bool {
        self.failures().next().is_none()
    }

    fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    /// Logs each check as its own line: passes and manual checks at info, the rest as warnings
    /// with their fix.
    pub fn log(&self) {
        for check in &self.checks {
            let status = check.status.label();
            let fix = check.fix.as_deref().unwrap_or("");
            match check.status {
                Status::Pass | Status::Manual => tracing::info!(
                    check = %check.name, status, detail = %check.detail, fix,
                    "preflight check"
                ),
                Status::Fail | Status::Warn => tracing::warn!(
                    check = %check.name, status, detail = %check.detail, fix,
                    "preflight check"
                ),
            }
        }
    }
}

/// The printed checklist, one block per check and a summary line.
impl fmt::Display for Checklist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "gatehouse doctor: {}", self.org)?;
        for check in &self.checks {
            writeln!(
                f,
                "  [{:<6}] {}: {}",
                check.status.label(),
                check.name,
                check.detail
            )?;
            if let Some(fix) = &check.fix {
                let word = if check.status == Status::Manual {
                    "how"
                } else {
                    "fix"
                };
                writeln!(f, "           {word}: {fix}")?;
            }
        }
        write!(
            f,
            "{} passed, {} failed, {} warnings, {} manual",
            self.count(Status::Pass),
            self.count(Status::Fail),
            self.count(Status::Warn),
            self.count(Status::Manual)
        )
    }
}
