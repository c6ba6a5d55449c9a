//! Closing a connection without answering.
//!
//! A handler cannot reach the socket, but the HTTP/1 dispatcher gives up on a connection whose
//! response body fails before anything is written: it closes the socket with the response
//! head still unsent, so the client sees the connection end with no answer — the same as a
//! load balancer dropping it.

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpResponse};

/// Marks a request whose connection is being dropped, so the log and the error-shape check
/// leave its (failing) body alone.
#[derive(Debug, Clone, Copy)]
pub struct Dropped;

/// A response that takes the connection down instead of answering.
pub fn dropped(req: ServiceRequest) -> ServiceResponse<BoxBody> {
    req.extensions_mut().insert(Dropped);
    req.into_response(failing())
}

/// The answer of a call that was carried out, replaced by a dropped connection.
pub fn dropped_after<B>(res: ServiceResponse<B>) -> ServiceResponse<BoxBody> {
    let (req, _answer) = res.into_parts();
    req.extensions_mut().insert(Dropped);
    ServiceResponse::new(req, failing())
}

fn failing() -> HttpResponse {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "connection dropped by an injected fault",
        ))
    });
    HttpResponse::Ok().streaming(failing)
}
