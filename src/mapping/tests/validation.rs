//! Rules that cannot work are refused when the config loads, each problem naming its key.

use super::*;

fn has(problems: &[Problem], key: &str, says: &str) -> bool {
    problems
        .iter()
        .any(|p| p.key == key && p.message.contains(says))
}

#[test]
fn templates_and_conditions_that_do_not_compile_are_named_by_rule_and_key() {
    let extra = r#"
[[sources.s.rules]]
name = "broken"
when = "type =="
for_each = "people["
subject = "x:{{ id"
deprovision = { trigger = "{% if %}" }
"#;
    let problems = problems(extra);
    for key in ["when", "for_each", "subject", "deprovision.trigger"] {
        let key = format!("sources.s.rules[0] ('broken').{key}");
        assert!(
            has(&problems, &key, "does not compile: syntax error"),
            "{key}: {problems:#?}"
        );
    }
}

#[test]
fn unknown_keys_are_named_at_every_level() {
    let extra = r#"
[[sources.s.rules]]
name = "typos"
whn = "true"
subject = "x:{{ id }}"
[sources.s.rules.provision]
acount = { key = "k" }
account = { key = "{{ k }}", kye = "k" }
contact = { last_name = "{{ l }}", email = "{{ e }}", phone = "1" }
username = "{{ e }}"
profile = "P"
"#;
    let problems = problems(extra);
    for key in [
        "whn",
        "provision.acount",
        "provision.account.kye",
        "provision.contact.phone",
    ] {
        let key = format!("sources.s.rules[0] ('typos').{key}");
        assert!(has(&problems, &key, "unknown key"), "{key}: {problems:#?}");
    }
}

#[test]
fn a_rule_needs_a_unique_name_one_action_and_a_subject() {
    let extra = r#"
[[sources.s.rules]]
subject = "x:{{ id }}"
ignore = "no name"

[[sources.s.rules]]
name = "twice"
ignore = "a"

[[sources.s.rules]]
name = "twice"
ignore = "b"

[[sources.s.rules]]
name = "two actions"
subject = "x:{{ id }}"
ignore = "a"
deprovision = {}

[[sources.s.rules]]
name = "no subject"
deprovision = {}

[[sources.s.rules]]
name = "fixed subject"
subject = "x:1"
deprovision = {}

[[sources.s.rules]]
name = "stray item_id"
item_id = "{{ id }}"
ignore = "a"
"#;
    let problems = problems(extra);
    assert!(
        has(&problems, "sources.s.rules[0].name", "needs a name"),
        "{problems:#?}"
    );
    assert!(
        has(&problems, "sources.s.rules[2] ('twice').name", "unique"),
        "{problems:#?}"
    );
    assert!(
        has(
            &problems,
            "sources.s.rules[3] ('two actions')",
            "exactly one"
        ),
        "{problems:#?}"
    );
    assert!(
        has(
            &problems,
            "sources.s.rules[4] ('no subject').subject",
            "required"
        ),
        "{problems:#?}"
    );
    assert!(
        has(
            &problems,
            "sources.s.rules[5] ('fixed subject').subject",
            "every event about one person"
        ),
        "{problems:#?}"
    );
    assert!(
        has(
            &problems,
            "sources.s.rules[6] ('stray item_id').item_id",
            "for_each"
        ),
        "{problems:#?}"
    );
}

#[test]
fn provision_rules_need_what_salesforce_requires_and_plain_values_are_checked_early() {
    let extra = r#"
[[sources.s.rules]]
name = "thin"
subject = "x:{{ id }}"
[sources.s.rules.provision]
account = { key = "a", id = "001000000000001" }
role = "admin"
welcome_email = "yes"
time_zone = "Mars/Olympus"
"#;
    let problems = problems(extra);
    let key = |k: &str| format!("sources.s.rules[0] ('thin').provision.{k}");
    assert!(
        has(&problems, &key("account"), "exactly one of key"),
        "{problems:#?}"
    );
    assert!(
        has(&problems, &key("contact.last_name"), "required"),
        "{problems:#?}"
    );
    assert!(
        has(&problems, &key("contact.email"), "required"),
        "{problems:#?}"
    );
    assert!(
        has(&problems, &key("username"), "[mapping.defaults]"),
        "{problems:#?}"
    );
    assert!(has(&problems, &key("profile"), "required"), "{problems:#?}");
    assert!(
        has(
            &problems,
            &key("role"),
            "'admin' is not a portal role level"
        ),
        "{problems:#?}"
    );
    assert!(
        has(&problems, &key("welcome_email"), "'yes'"),
        "{problems:#?}"
    );
    assert!(
        has(&problems, &key("time_zone"), "Mars/Olympus"),
        "{problems:#?}"
    );
}

#[test]
fn mapping_settings_are_checked() {
    let extra = "[mapping]\ntime_zone = \"Berlin\"\n[mapping.defaults]\ntime_zone = \"Nowhere\"\nusername = \"{{ x\"\n";
    let problems = problems(extra);
    assert!(
        has(
            &problems,
            "mapping.time_zone",
            "'Berlin' is not an IANA time zone"
        ),
        "{problems:#?}"
    );
    assert!(
        has(&problems, "mapping.defaults.time_zone", "Nowhere"),
        "{problems:#?}"
    );
    assert!(
        has(&problems, "mapping.defaults.username", "does not compile"),
        "{problems:#?}"
    );
}

#[test]
fn the_quickstart_rules_compile() {
    let text = include_str!("../../../examples/quickstart.toml");
    let settings = Settings::from_toml(text).unwrap_or_else(|e| panic!("{e}"));
    let rules = MappingRules::build(&settings).unwrap();
    assert!(!rules.rule_names("partner-portal").is_empty());
}
