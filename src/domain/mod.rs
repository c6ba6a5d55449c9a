//! Pure domain types and rules: no I/O here.
//!
//! A [`SubjectKey`] names one external person; an [`Intent`] is what should be true of them;
//! a [`Command`] carries an intent with its origin through the queue; an [`Outcome`] says how
//! it ended, exactly once.

pub mod command;
pub mod event_type;
pub mod guard;
pub mod intent;
pub mod outcome;
pub mod personal;
pub mod role;
pub mod subject;
pub mod time;
pub mod username;
pub mod validate;

pub use command::{Command, CommandId, Origin};
pub use event_type::outcome_event_type;
pub use intent::{
    AccountRef, ContactFields, Deprovision, DeprovisionMode, Intent, PortalRoleLevel, Provision,
    UserFields, WelcomeEmail,
};
pub use outcome::{BatchRecord, LicenceEffect, Outcome, OutcomeKind, Refusal, SalesforceIds};
pub use role::Role;
pub use subject::{SubjectKey, SubjectKeyError};
pub use validate::Violation;
