//! Integration tests: the simulated org driven over HTTP.

mod org_client;
mod sobjects;
