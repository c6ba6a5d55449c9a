use super::*;

fn data_call<'a>(method: &'a Method, path: &'a str, template: &'a str) -> Call<'a> {
    Call {
        method,
        path,
        data_path: Some(&path[20..]),
        data_template: Some(template),
    }
}

#[test]
fn a_script_catches_exactly_count_calls() {
    let scripts = Scripts::default();
    scripts
        .add(ScriptRequest {
            method: Some("post".into()),
            path: Some("/sobjects/User".into()),
            count: Some(2),
            ..ScriptRequest::default()
        })
        .unwrap();
    let post = Method::POST;
    let call = data_call(
        &post,
        "/services/data/v68.0/sobjects/User",
        "/sobjects/{type}",
    );
    assert!(
        matches!(scripts.take(&call), Some(Injected::Error(e)) if e.code() == "SERVER_UNAVAILABLE" && e.status == 503)
    );
    assert!(scripts.take(&call).is_some());
    assert!(scripts.take(&call).is_none());
    assert!(scripts.list().is_empty());
}

#[test]
fn a_script_lets_its_skip_count_through_before_catching() {
    let scripts = Scripts::default();
    scripts
        .add(ScriptRequest {
            path: Some("/composite".into()),
            skip: Some(2),
            ..ScriptRequest::default()
        })
        .unwrap();
    let post = Method::POST;
    let call = data_call(&post, "/services/data/v68.0/composite", "/composite");
    assert!(scripts.take(&call).is_none());
    assert!(scripts.take(&call).is_none());
    assert!(scripts.take(&call).is_some(), "the third is caught");
    assert!(scripts.take(&call).is_none());
}

#[test]
fn prefixes_stop_at_segment_boundaries_and_templates_match_whole() {
    let scripts = Scripts::default();
    scripts
        .add(ScriptRequest {
            path: Some("/sobjects/User".into()),
            count: Some(10),
            ..ScriptRequest::default()
        })
        .unwrap();
    let get = Method::GET;
    let login = data_call(
        &get,
        "/services/data/v68.0/sobjects/UserLogin/0Yw",
        "/sobjects/{type}/{id}",
    );
    assert!(scripts.take(&login).is_none());
    let user = data_call(
        &get,
        "/services/data/v68.0/sobjects/user/005",
        "/sobjects/{type}/{id}",
    );
    assert!(scripts.take(&user).is_some());

    scripts.clear();
    scripts
        .add(ScriptRequest {
            path: Some("/sobjects/{type}/{id}".into()),
            kind: ScriptKind::Drop,
            ..ScriptRequest::default()
        })
        .unwrap();
    assert_eq!(scripts.take(&login), Some(Injected::Drop));
}

#[test]
fn bad_scripts_are_refused() {
    for bad in [
        ScriptRequest {
            count: Some(0),
            ..ScriptRequest::default()
        },
        ScriptRequest {
            status: Some(200),
            ..ScriptRequest::default()
        },
        ScriptRequest {
            method: Some("NOT A METHOD".into()),
            ..ScriptRequest::default()
        },
        ScriptRequest {
            path: Some("sobjects".into()),
            ..ScriptRequest::default()
        },
    ] {
        assert!(Scripts::default().add(bad).is_err());
    }
}

#[test]
fn the_error_code_picks_the_status_and_message() {
    let script = ScriptRequest {
        error_code: Some("UNABLE_TO_LOCK_ROW".into()),
        ..ScriptRequest::default()
    }
    .arm(1)
    .unwrap();
    assert_eq!(script.status, 400);
    assert_eq!(
        script.message,
        "unable to obtain exclusive access to this record or 1 records"
    );
}
