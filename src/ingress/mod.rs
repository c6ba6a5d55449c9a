//! How events enter Gatehouse: signed webhooks over HTTP ([`http`]) and records from Kafka
//! topics ([`kafka`]). Both prove where an event came from, work out whose event it is
//! ([`identity`]) and write it durably to the store's inbox before they acknowledge it.

pub mod http;
pub mod identity;
pub mod kafka;
