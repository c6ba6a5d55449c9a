//! Integration tests: the simulated org driven over HTTP.

mod access;
mod auth;
mod by_hand;
mod collation;
mod collection_retrieve;
mod collections;
mod composite;
mod control;
mod cut_calls;
mod describe;
mod faults;
mod fields;
mod group_lock;
mod identity;
mod inputs;
mod limits;
mod org_client;
mod password;
mod portal;
mod query_api;
mod routing;
mod sobjects;
mod support;
mod tls;
mod uri_limit;
mod users;
