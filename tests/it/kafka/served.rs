//! What the consumer group holds, read beside a served binary (`crate::support::served`) that a
//! test kills and starts again: committed offsets and the partitions' ends.

use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use super::broker;
use super::inbound::Topics;

/// The group's committed offset of each of the input topic's `partitions` (`None`: nothing
/// committed), read without joining the group.
pub fn committed(topics: &Topics, partitions: i32) -> Vec<Option<i64>> {
    let consumer: BaseConsumer = broker::client(&topics.brokers)
        .set("group.id", &topics.group)
        .create()
        .expect("consumer");
    let mut list = TopicPartitionList::new();
    for partition in 0..partitions {
        list.add_partition(&topics.input, partition);
    }
    let committed = consumer
        .committed_offsets(list, Duration::from_secs(20))
        .expect("committed offsets");
    (0..partitions)
        .map(|partition| {
            match committed
                .find_partition(&topics.input, partition)
                .map(|e| e.offset())
            {
                Some(Offset::Offset(offset)) => Some(offset),
                _ => None,
            }
        })
        .collect()
}

/// The high watermark (the next offset to be written) of each of the input topic's partitions.
pub fn ends(topics: &Topics, partitions: i32) -> Vec<i64> {
    let consumer: BaseConsumer = broker::client(&topics.brokers).create().expect("consumer");
    (0..partitions)
        .map(|partition| {
            consumer
                .fetch_watermarks(&topics.input, partition, Duration::from_secs(20))
                .expect("watermarks")
                .1
        })
        .collect()
}
