use super::*;

#[test]
fn releases_are_labelled_by_season() {
    assert_eq!(release_label(46), "Summer '19");
    assert_eq!(release_label(47), "Winter '20");
    assert_eq!(release_label(48), "Spring '20");
    assert_eq!(release_label(68), "Winter '27");
}

#[test]
fn only_supported_versions_parse() {
    assert_eq!(parse("v68.0").as_deref(), Ok("68.0"));
    assert_eq!(parse("v46.0").as_deref(), Ok("46.0"));
    for bad in [
        "v45.0", "v69.0", "68.0", "v68", "v68.1", "v+68.0", "vx.0", "",
    ] {
        assert_eq!(parse(bad).map_err(|e| e.status.as_u16()), Err(404), "{bad}");
    }
}
