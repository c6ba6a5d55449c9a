use super::*;

fn settings(rules: &str) -> Settings {
    let text = format!(
        "[salesforce]\norg = \"simulated\"\n[sources.portal.verification]\nscheme = \"standard-webhooks\"\nsecrets = [{{ secret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\" }}]\n{rules}"
    );
    Settings::from_toml(&text).expect("test config")
}

#[test]
fn written_names_are_checked_and_names_made_from_events_are_left_to_an_admin() {
    let needs = Needs::of(&settings(
        r#"
[[sources.portal.rules]]
name = "written"
provision = { profile = "Partner Community User", permission_sets = ["A", "{{ data.set }}"], welcome_email = "site-setting" }

[[sources.portal.rules]]
name = "from the event"
provision = { profile = "{{ data.profile }}", welcome_email = "password-reset" }

[[sources.portal.rules]]
name = "leaving"
deprovision = { mode = "deactivate" }
"#,
    ));
    assert_eq!(
        needs.rules.len(),
        2,
        "deprovision rules need nothing of the site"
    );
    assert_eq!(
        needs.profiles().into_iter().collect::<Vec<_>>(),
        ["Partner Community User"]
    );
    assert_eq!(
        needs.permission_sets().into_iter().collect::<Vec<_>>(),
        ["A"]
    );
    assert_eq!(
        needs.made_from_events(),
        [
            ("portal: written", "{{ data.set }}"),
            ("portal: from the event", "{{ data.profile }}")
        ]
    );
    assert_eq!(needs.site_welcome_rules(), ["portal: written"]);
}
