//! Integration tests: the simulated org driven over HTTP.

mod auth;
mod control;
mod faults;
mod inputs;
mod limits;
mod routing;
mod support;
mod tls;
