//! A simulated Salesforce org that answers like the real REST API.
//!
//! `sfsim` exists so that Gatehouse — and anyone provisioning Experience Cloud external users —
//! can test against an org that follows Salesforce's documented rules (licences, one user per
//! Contact, portal roles, username uniqueness across orgs, error codes and shapes) without a
//! sandbox. Start it as a binary (`sfsim --port 8787`) or in-process with [`SimServer::start`].
//!
//! Layout: `access` (who may do what: a user's permissions and the refusals), `ids` and `record` (Salesforce ids, one record), `error` (Salesforce's error
//! shape), `report` (an error told with its causes), `schema` (object and field definitions), `soql` (the query language), `org`
//! (records and the org's rules), `fixture` (an org from TOML, and the default org),
//! `version` (the API versions answered), `auth` (OAuth token endpoint and sessions),
//! `traffic` (API limits, faults, latency, request log), `state` (what one running org holds,
//! and the start point a reset goes back to), `api` (REST data endpoints), `control`
//! (`/__sim/` observation and control endpoints), `server` (wiring and start-up), `tls`
//! (HTTPS and its test certificate).

pub mod access;
pub mod api;
pub mod auth;
pub mod control;
pub mod error;
pub mod fixture;
pub mod ids;
pub mod org;
pub mod record;
pub mod report;
pub mod schema;
pub mod server;
pub mod soql;
pub mod state;
pub mod tls;
pub mod traffic;
pub mod version;

pub use error::ApiError;
pub use server::{FaultRates, FixtureSource, SimConfig, SimHandle, SimServer};
pub use state::Sim;
