use super::*;

#[test]
fn paths_are_recognised() {
    for ok in [
        "data",
        "data.user.email",
        "item.fields['Employment Status']",
        "a[0].b",
    ] {
        assert!(is_path(ok), "{ok}");
    }
    for not in ["data.user.id ~ nope", "1x", "a[b]", "a | lower", ""] {
        assert!(!is_path(not), "{not}");
    }
}

#[test]
fn a_range_inside_a_path_widens_to_the_whole_path() {
    let src = "{{ data.user.email }}";
    assert_eq!(&src[widen(src, 7..18)..18], "data.user.email");
    let src = "{{ item.fields['Employment Status'] }}";
    let start = src.find('[').unwrap();
    assert_eq!(
        &src[widen(src, start..35)..35],
        "item.fields['Employment Status']"
    );
}
