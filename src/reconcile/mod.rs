//! Periodic comparisons of the org, the store and the sources, which act through the ordinary
//! queue: commands enqueued with an actor of their own (`reclaim`), so the guard and the
//! executor treat them as any other.
//!
//! - `licences`: licence hygiene — the reclaim of licences held by people who no longer log
//!   in, and the licence report.

pub mod licences;
