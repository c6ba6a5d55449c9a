//! Reading and writing records: one at a time through the sObject resources, and many through
//! SOQL.
//!
//! - `record`: a record as the REST API returns it, and the answers that name records
//!   (a lookup by external id, what an upsert did).
//! - `sobject_rows`: one record at a time: read, create, update, upsert by external id, and
//!   the password reset that mails a user a link.
//! - `soql`: values written into SOQL text safely; `run`: a query run to its last page.

mod record;
mod run;
mod sobject_rows;
pub mod soql;

pub(crate) use record::ids_of_choices;
pub use record::{Lookup, Record, Upserted};
pub use run::{Paging, QueryResult};
