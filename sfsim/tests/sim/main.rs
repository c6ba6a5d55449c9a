//! Integration tests: the simulated org driven over HTTP.

mod collections;
mod composite;
mod describe;
mod fields;
mod org_client;
mod password;
mod portal;
mod query_api;
mod sobjects;
mod users;
