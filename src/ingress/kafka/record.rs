//! One consumed record, copied out of librdkafka's buffer so that a partition's task can own it
//! while the polling thread moves on.

use std::fmt;

use rdkafka::Message;
use rdkafka::message::{BorrowedMessage, Headers as _};

use crate::ingress::identity::Headers;

/// A record of one partition: what the decoder reads and, when it cannot, what goes to the
/// dead-letter topic unchanged.
pub(crate) struct Record {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    /// `None` for a tombstone (a record with no value), kept apart from an empty value so a
    /// dead-lettered copy is the record as it was.
    pub payload: Option<Vec<u8>>,
    /// In the order the producer wrote them; a header may repeat, and may have no value.
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl Record {
    /// Copies what Gatehouse needs of a polled message: the payload once (it becomes the
    /// inbox event's body), the key and the headers.
    pub fn copy_of(message: &BorrowedMessage<'_>) -> Record {
        let headers = message
            .headers()
            .map(|headers| {
                headers
                    .iter()
                    .map(|h| (h.key.to_owned(), h.value.map(<[u8]>::to_vec)))
                    .collect()
            })
            .unwrap_or_default();
        Record {
            partition: message.partition(),
            offset: message.offset(),
            key: message.key().map(<[u8]>::to_vec),
            payload: message.payload().map(<[u8]>::to_vec),
            headers,
        }
    }

    /// A header's value as text; `None` when absent, valueless or not UTF-8.
    pub fn header_text(&self, name: &str) -> Option<&str> {
        self.header(name)
            .and_then(|value| std::str::from_utf8(value).ok())
    }

    /// Bytes it holds: payload, key, and header names and values.
    pub fn size(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.len() + value.as_ref().map_or(0, Vec::len))
            .sum();
        self.payload.as_ref().map_or(0, Vec::len) + self.key.as_ref().map_or(0, Vec::len) + headers
    }

    /// The payload, empty for a tombstone.
    pub fn body(&self) -> &[u8] {
        self.payload.as_deref().unwrap_or_default()
    }
}

impl Headers for Record {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(key, value)| value.is_some() && key.eq_ignore_ascii_case(name))
            .and_then(|(_, value)| value.as_deref())
    }
}

// Payloads, keys and header values carry personal data: Debug shows where the record is from
// and its sizes only.
impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("partition", &self.partition)
            .field("offset", &self.offset)
            .field("key_len", &self.key.as_ref().map(Vec::len))
            .field("payload_len", &self.payload.as_ref().map(Vec::len))
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .finish()
    }
}
