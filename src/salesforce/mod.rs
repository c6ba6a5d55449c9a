//! Gatehouse's Salesforce client: the REST API as provisioning needs it, spending the org's
//! scarce API calls carefully.
//!
//! - `credentials`, `auth`, `auth_error`, `hints`, `token`: server-to-server tokens (JWT
//!   bearer, client credentials), one shared token per org renewed once when it expires, and
//!   refusals that tell the admin what to fix.
//! - `error`, `failure`: Salesforce's errors parsed once and sorted into a [`Disposition`]
//!   where they arrive.
//! - `client`: the HTTP core (timeouts, API version, budget gate, call counting);
//!   `records`, `query`, `composite` (with `reference`), `composite_result`, `collections`,
//!   `limits`: the operations; `path` and `soql` keep data out of the syntax of URLs and queries.
//! - `budget`: the org's daily allowance and the reserve Gatehouse leaves to others;
//!   `meter`: API calls spent per command.
//! - `connect`: from configuration to a client, starting the simulated org when asked.

mod auth;
mod auth_error;
mod budget;
mod client;
mod collections;
mod composite;
mod composite_result;
mod connect;
mod credentials;
mod error;
mod failure;
mod hints;
mod limits;
mod meter;
mod path;
mod query;
mod record;
mod records;
mod reference;
pub mod soql;
mod token;

pub use auth::{AuthError, Credentials};
pub use budget::{ApiBudget, ApiUsage, BudgetSnapshot};
pub use client::{ClientOptions, OrgIdentity, SalesforceClient};
pub use collections::{MAX_COLLECTION, NewRecord, RecordChange, SaveResult};
pub use composite::{
    CompositeRequest, MAX_QUERIES, MAX_SUBREQUESTS, RecordRef, Reference, Subrequest,
};
pub use composite_result::{CompositeResponse, SubResponse};
pub use connect::{ConnectError, Connection, connect};
pub use error::{Disposition, MAX_RAW_TEXT, SalesforceError, UNRECOGNISED_ANSWER};
pub use failure::CallError;
pub use limits::{Limit, OrgLimits};
pub use meter::CallMeter;
pub use path::{DataPaths, segment};
pub use query::QueryResult;
pub use record::{Lookup, Record, Upserted};
