use super::looks_like_email;

#[test]
fn email_shapes_salesforce_accepts_and_refuses() {
    for ok in ["a@b.co", "jane.doe+portal@acme.example.com", "o'brien@x.ie"] {
        assert!(looks_like_email(ok), "{ok}");
    }
    for bad in [
        "jane",
        "jane@",
        "@acme.com",
        "jane@acme",
        "jane@@acme.com",
        "jane doe@acme.com",
        ".jane@acme.com",
        "ja..ne@acme.com",
        "jane@acme.c",
        "jane@-acme.com",
    ] {
        assert!(!looks_like_email(bad), "{bad}");
    }
}
