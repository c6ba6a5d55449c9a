use super::*;
use actix_web::middleware::from_fn;
use actix_web::{App, test as actix_test, web};

async fn boom() -> HttpResponse {
    panic!("a handler bug")
}

async fn takes_json(_: web::Json<serde_json::Value>) -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn a_panicking_handler_answers_salesforces_500() {
    let app = actix_test::init_service(
        App::new()
            .wrap(from_fn(salesforce_shape))
            .route("/services/data/v68.0/boom", web::get().to(boom)),
    )
    .await;
    let req = actix_test::TestRequest::get()
        .uri("/services/data/v68.0/boom")
        .to_request();
    let error = match actix_test::try_call_service(&app, req).await {
        Err(error) => error,
        Ok(res) => panic!(
            "expected the panic to surface as an error, got {}",
            res.status()
        ),
    };
    let response = error.error_response();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = actix_web::body::to_bytes(response.into_body())
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body[0]["errorCode"], "UNKNOWN_EXCEPTION");
}

#[actix_web::test]
async fn an_extractors_plain_text_refusal_is_rewritten_as_a_json_parser_error() {
    let app = actix_test::init_service(
        App::new()
            .wrap(from_fn(salesforce_shape))
            .route("/services/data/v68.0/x", web::post().to(takes_json)),
    )
    .await;
    let req = actix_test::TestRequest::post()
        .uri("/services/data/v68.0/x")
        .insert_header(("content-type", "application/json"))
        .set_payload("{not json")
        .to_request();
    let res = actix_test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = actix_test::read_body_json(res).await;
    assert_eq!(body[0]["errorCode"], "JSON_PARSER_ERROR");
}

#[test]
fn only_salesforce_error_arrays_count_as_shaped_for_the_api() {
    assert!(Area::Api.shaped(br#"[{"message":"m","errorCode":"NOT_FOUND"}]"#));
    assert!(!Area::Api.shaped(br#"[]"#));
    assert!(!Area::Api.shaped(br#"{"error":"x"}"#));
    assert!(!Area::Api.shaped(b"Json deserialize error"));
    assert!(Area::OAuth.shaped(br#"{"error":"invalid_grant","error_description":"x"}"#));
}

#[test]
fn areas_follow_the_path() {
    assert_eq!(Area::of("/__sim/state"), Area::Control);
    assert_eq!(Area::of("/__simulate"), Area::Api);
    assert_eq!(Area::of("/services/oauth2/token"), Area::OAuth);
    assert_eq!(Area::of("/services/data/v68.0/x"), Area::Api);
    assert_eq!(Area::of("/id/00D/005"), Area::Identity);
}

#[test]
fn identity_refusals_are_one_plain_word() {
    assert!(Area::Identity.shaped(b"Bad_OAuth_Token"));
    assert!(!Area::Identity.shaped(b""));
    assert!(!Area::Identity.shaped(br#"[{"message":"m","errorCode":"NOT_FOUND"}]"#));
    let refusal = Area::Identity.refusal(StatusCode::METHOD_NOT_ALLOWED, &Method::POST, false);
    assert_eq!(refusal.body, ReshapedBody::Text("Bad_Request"));
}
