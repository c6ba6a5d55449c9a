//! Who may use an admin route: the operator a bearer token proves ([`crate::admin::identity`]),
//! holding the role the route needs ([`super::roles`]).
//!
//! Taking an [`Operator`] as a handler argument is what makes a route an admin route: the
//! extractor authenticates, then looks the matched route up in the role table and refuses, with
//! `403` naming the role needed and the roles held, an operator whose roles do not grant it.
//! Missing or unproven credentials are `401` with a bearer challenge.

use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use actix_web::{FromRequest, HttpRequest, ResponseError, web};
use futures::future::LocalBoxFuture;

use super::Admin;
use super::roles::role_for;
use crate::admin::identity::{Forbidden, Operator, Unauthenticated};
use crate::domain::Role;
use crate::problem::Problem;

impl FromRequest for Operator {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Operator, actix_web::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            authorize(&request).await.map_err(|problem| {
                // The route's pattern, not the path: a path may hold what a person typed, even
                // an email address, and log lines must not.
                let route = request.match_pattern();
                tracing::warn!(
                    method = %request.method(),
                    route = route.as_deref().unwrap_or("unknown"),
                    status = problem.status,
                    reason = problem.reason,
                    "admin request refused"
                );
                refusal(problem)
            })
        })
    }
}

/// The operator of the request, when their roles grant the route; the request is kept in the
/// audit trail before it is served.
pub async fn authorize(request: &HttpRequest) -> Result<Operator, Problem> {
    let operator = authenticate(request).await?;
    let pattern = request.match_pattern().unwrap_or_default();
    let needed = role_for(request.method().as_str(), &pattern).ok_or_else(|| {
        Problem::new(
            StatusCode::FORBIDDEN,
            "route_without_role",
            "Forbidden",
            format!(
                "{} {pattern} names no role in the admin routes' role table; nobody may use it \
                 until it does",
                request.method()
            ),
        )
    })?;
    require(&operator, needed)?;
    super::audit::record(request, &operator).await?;
    Ok(operator)
}

/// The operator a request's bearer token proves, whatever their role: for surfaces that check
/// roles themselves, per action, with [`require`].
pub async fn authenticate(request: &HttpRequest) -> Result<Operator, Problem> {
    let identities = request
        .app_data::<web::Data<Admin>>()
        .and_then(|admin| admin.identities.clone())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::NOT_FOUND,
                "admin_off",
                "Admin endpoints are off",
                "the admin endpoints are off because no operator is configured; set admin.token \
                 (e.g. token = { env = \"GATEHOUSE_ADMIN_TOKEN\" }, at least 16 characters), \
                 [[admin.operators]] or [admin.oidc] in the config and restart Gatehouse",
            )
        })?;
    let presented = bearer(request)?;
    identities
        .authenticate(&presented)
        .await
        .map_err(|refused| match refused {
            Unauthenticated::UnknownToken => Problem::new(
                StatusCode::UNAUTHORIZED,
                "bad_token",
                "Not authorised",
                "the bearer token is not the token of any configured operator \
                 (admin.token, admin.operators) nor a token of the identity provider",
            ),
            Unauthenticated::Jwt(why) => Problem::new(
                StatusCode::UNAUTHORIZED,
                why.reason(),
                "Not authorised",
                why.to_string(),
            ),
        })
}

/// `Ok` when the operator's roles grant `needed`; otherwise the `403` to answer.
pub fn require(operator: &Operator, needed: Role) -> Result<(), Problem> {
    operator
        .require(needed)
        .map_err(|refused| forbidden(&refused))
}

fn forbidden(refused: &Forbidden) -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        "role_needed",
        "Forbidden",
        refused.to_string(),
    )
    .with("role_needed", refused.needed.as_str())
    .with("roles_held", refused.held.clone())
}

/// The problem as a response, with a bearer challenge on a `401`.
fn refusal(problem: Problem) -> actix_web::Error {
    let mut response = problem.error_response();
    if problem.code == StatusCode::UNAUTHORIZED {
        let challenge = if problem.reason == "missing_token" {
            "Bearer realm=\"gatehouse-admin\""
        } else {
            "Bearer realm=\"gatehouse-admin\", error=\"invalid_token\""
        };
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    InternalError::from_response(problem, response).into()
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(request: &HttpRequest) -> Result<Vec<u8>, Problem> {
    let missing = |detail: &str| {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "missing_token",
            "Not authorised",
            format!("{detail}; send \"Authorization: Bearer <token>\""),
        )
    };
    let mut values = request.headers().get_all(AUTHORIZATION);
    let value = values
        .next()
        .ok_or_else(|| missing("the request has no Authorization header"))?;
    if values.next().is_some() {
        return Err(missing(
            "the request has more than one Authorization header",
        ));
    }
    let bytes = value.as_bytes();
    let scheme_ok =
        bytes.len() > 7 && bytes[..6].eq_ignore_ascii_case(b"bearer") && bytes[6] == b' ';
    if !scheme_ok {
        return Err(missing(
            "the Authorization header does not carry a Bearer token",
        ));
    }
    Ok(bytes[7..].trim_ascii().to_vec())
}
