//! How a call reaches the org and what comes back: the client's HTTP core, Salesforce's errors
//! and their sorting, the daily allowance and the calls each command spends.
//!
//! - `client`: a client of one org, cheap to clone; `call`: one call's way (budget gate,
//!   token, one re-authentication, usage header, counting, a span and a metric);
//!   `request`: the request sent and the answer read.
//! - `salesforce_error`: Salesforce's own refusals, parsed once and sorted into a
//!   [`Disposition`](crate::salesforce::Disposition); `call_error`: everything a call can end
//!   in other than an answer.
//! - `budget`: the org's daily allowance and the reserve Gatehouse leaves to others;
//!   `slots`: this replica's share of the org-wide cap on concurrent calls;
//!   `limits`: the org's limits resource; `meter`: API calls spent per command; `halt`: a
//!   switch that stops a run's further calls.
//! - `path`: data API paths, with every piece that comes from data percent-encoded.
//! - `versions`: the API versions the org serves.

mod budget;
mod call;
mod call_error;
mod client;
mod halt;
mod limits;
mod meter;
mod path;
mod request;
mod salesforce_error;
mod slots;
mod versions;

pub use budget::{ApiBudget, ApiUsage, BudgetSnapshot};
pub use call_error::CallError;
pub use client::{ClientOptions, OrgIdentity, SalesforceClient};
pub use halt::Halt;
pub use limits::{Limit, OrgLimits};
pub use meter::CallMeter;
pub use path::{DataPaths, segment};
pub(crate) use request::Request;
pub use salesforce_error::{SalesforceError, UNRECOGNISED_ANSWER};
pub use slots::SlotSnapshot;
pub use versions::ApiVersion;
