//! The durable store: inbox of accepted events.
