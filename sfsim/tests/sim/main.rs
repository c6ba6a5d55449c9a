//! Integration tests: the simulated org driven over HTTP.

mod fields;
mod org_client;
mod password;
mod portal;
mod sobjects;
mod users;
