//! Many operations in one API call.
//!
//! - `request`: a composite request of up to 25 subrequests, checked against Salesforce's
//!   limits before it is sent; `reference`: later subrequests reading earlier results through
//!   `@{referenceId.field}`.
//! - `response`: what the composite answered, subrequest by subrequest, and the call that
//!   sends it.
//! - `collections`: sObject Collections, up to 200 records in one call, for bursts.

mod collections;
mod reference;
mod request;
mod response;

pub use collections::{MAX_COLLECTION, NewRecord, RecordChange, SaveResult};
pub use reference::{RecordRef, Reference};
pub use request::{CompositeRequest, MAX_QUERIES, MAX_SUBREQUESTS, Subrequest};
pub use response::{CompositeResponse, SubResponse};
