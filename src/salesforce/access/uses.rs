//! Which of the table's situations a configuration puts Gatehouse in, read from its rules.

use super::table::Uses;
use crate::config::Settings;
use crate::config::kafka::TopicFormat;

/// Deprovision modes that freeze (`UserLogin.IsFrozen`, which needs Manage Users).
const FREEZING_MODES: [&str; 2] = ["freeze", "freeze-then-deactivate"];
/// The welcome email that is a password reset.
const PASSWORD_RESET: &str = "password-reset";

impl Uses {
    /// What `settings` can make Gatehouse do. A native command topic can ask for anything a
    /// command can say (freeze, permission sets, a password-reset welcome), so it uses all.
    /// A rule's text that is a template (`{{…}}`) may come out as anything, so it counts too.
    /// Operators' manual commands (admin API) are not counted: an org whose rules never freeze
    /// keeps Manage Users away from Gatehouse, and a manual freeze there is refused by the org.
    pub fn of(settings: &Settings) -> Uses {
        let native = settings.kafka.as_ref().is_some_and(|kafka| {
            kafka
                .topics
                .values()
                .any(|topic| topic.format == TopicFormat::Native)
        });
        if native {
            return Uses {
                freezes: true,
                assigns_permission_sets: true,
                password_reset_welcome: true,
            };
        }
        let mut uses = Uses::default();
        let rules = settings.sources.values().flat_map(|source| &source.rules);
        for rule in rules {
            if let Some(deprovision) = &rule.deprovision {
                let mode = deprovision.mode.as_deref().unwrap_or_default();
                uses.freezes |= FREEZING_MODES.contains(&mode) || templated(mode);
            }
            if let Some(provision) = &rule.provision {
                uses.assigns_permission_sets |= !provision.permission_sets.is_empty();
                let welcome = provision.welcome_email.as_deref().unwrap_or_default();
                uses.password_reset_welcome |= welcome == PASSWORD_RESET || templated(welcome);
            }
        }
        uses
    }
}

fn templated(text: &str) -> bool {
    text.contains("{{")
}
