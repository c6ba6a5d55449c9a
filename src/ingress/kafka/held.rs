//! The records polled for a partition while its task's channel is full, and when to pause it.
//!
//! Pausing a partition makes librdkafka drop what it fetched ahead and fetch it again on
//! resume. Against a broker that fills a fetch response to its byte limit, pausing after a few
//! thousand records threw away a large share of each response; the second reads cost the broker
//! as much as the first and held the consumer back (about a quarter of the records read twice in
//! the Kafka benchmark). A partition therefore holds back many fetch responses' worth before it
//! pauses, bounded by bytes (`[kafka] hold_back_kib`) as well as records so that large records
//! cannot run memory up, and resumes only once most of them have moved on.

use std::collections::VecDeque;

use super::partition::BATCH;
use super::record::Record;

/// Held-back records that make a partition pause, however small they are.
const PAUSE_AT_RECORDS: usize = 10 * BATCH;
/// A paused partition resumes when it holds back fewer records than this, and less than a
/// quarter of its byte limit.
const RESUME_BELOW_RECORDS: usize = BATCH / 2;

/// Records held back for one partition, in order, with their size.
#[derive(Default)]
pub(crate) struct HeldBack {
    records: VecDeque<Record>,
    bytes: usize,
}

impl HeldBack {
    pub fn push_back(&mut self, record: Record) {
        self.bytes += record.size();
        self.records.push_back(record);
    }

    /// Puts back a record just taken, in front of the rest.
    pub fn push_front(&mut self, record: Record) {
        self.bytes += record.size();
        self.records.push_front(record);
    }

    pub fn pop_front(&mut self) -> Option<Record> {
        let record = self.records.pop_front()?;
        self.bytes -= record.size();
        Some(record)
    }

    pub fn clear(&mut self) {
        self.records.clear();
        self.bytes = 0;
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Bytes held: payloads, keys and headers.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether so much is held back that the partition should pause, given the byte limit.
    pub fn is_full(&self, limit: usize) -> bool {
        self.records.len() >= PAUSE_AT_RECORDS || self.bytes >= limit
    }

    /// Whether little enough is held back that a paused partition should resume.
    pub fn is_low(&self, limit: usize) -> bool {
        self.records.len() < RESUME_BELOW_RECORDS && self.bytes < limit / 4
    }
}

#[cfg(test)]
mod tests;
