//! Behaviour of the SOQL engine as a client sees it: parse, refusals, filters, result shapes.
//! All run against the hand-built org in `org`.

mod errors;
mod filter;
mod garbage;
mod grammar;
mod indexed;
mod org;
mod results;
