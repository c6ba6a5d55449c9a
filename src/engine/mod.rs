//! The engine: from accepted events to converged Salesforce state.

pub mod plan;
