//! Gatehouse's Salesforce client: the REST API as provisioning needs it, spending the org's
//! scarce API calls carefully.
//!
//! Four rooms, each importing only from those listed before it:
//!
//! - `auth`: server-to-server tokens (JWT bearer, client credentials), one shared token per
//!   org renewed once when it expires, and refusals that tell the admin what to fix.
//! - `transport`: the HTTP core every call goes through (timeouts, API version, budget gate,
//!   call counting), Salesforce's errors parsed once and sorted into a [`Disposition`] where
//!   they arrive, the org's limits and daily allowance, and data API paths that keep data out
//!   of the syntax of URLs.
//! - `query`: records one at a time, SOQL (values quoted by `soql`) and its paged results.
//! - `composite`: many operations in one API call, as composite requests (with references
//!   between subrequests) and sObject Collections.
//!
//! - `access`: what each call needs of the integration user (`salesforce/access.toml`), the
//!   run-as user's grants read from the org, and what of the table they lack.
//!
//! Beside them, `disposition` and `raw_text` are what every room's errors share, `connect`
//! turns the `[salesforce]` settings into a client, starting the simulated org when asked, and
//! `describe` reads once the org's facts that do not change while Gatehouse runs (does
//! `Account.IsPartner` exist, the configured site's `Network` record).

pub mod access;
mod auth;
mod composite;
mod connect;
mod describe;
mod disposition;
mod query;
mod raw_text;
mod transport;

pub use auth::{AuthError, Credentials, KeyError};
pub use composite::{
    CompositeRequest, CompositeResponse, MAX_COLLECTION, MAX_QUERIES, MAX_SUBREQUESTS, NewRecord,
    RecordChange, RecordRef, Reference, SaveResult, SubResponse, Subrequest,
};
pub use connect::{ConnectError, Connection, connect};
pub use describe::{DescribeError, OrgFacts, OrgFactsCache, SiteFacts};
pub use disposition::Disposition;
pub use query::{Lookup, Paging, QueryResult, Record, Upserted, soql};
pub use raw_text::MAX_RAW_TEXT;
pub use transport::{
    ApiBudget, ApiUsage, ApiVersion, BudgetSnapshot, CallError, CallMeter, ClientOptions,
    DataPaths, Halt, Limit, OrgIdentity, OrgLimits, SalesforceClient, SalesforceError,
    SlotSnapshot, UNRECOGNISED_ANSWER, segment,
};
