-- Outcome webhooks: each outbox event's delivery to each `[[outcomes.webhooks]]` subscriber,
-- and the subscribers' own state.
--
-- A delivery row is written when the relay first sees an outbox event for a subscriber, in
-- outbox order, so `seq` orders a subscriber's deliveries as the outbox orders the events: a
-- subject's later event waits for its earlier one. `state` is `pending` (to send, at
-- `next_attempt_at`), `delivered`, `failed` (retried until `retry_until` without success) or
-- `filtered` (the subscriber's type or source filter left it out). Rows go when their outbox
-- event is pruned; the outbox keeps an event until every subscriber is done with it.
CREATE TABLE webhook_deliveries (
    seq             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    subscriber      TEXT    NOT NULL,
    outbox_id       TEXT    NOT NULL,
    subject_key     TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    next_attempt_at TEXT,
    retry_until     TEXT    NOT NULL,
    last_attempt_at TEXT,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    TEXT,
    UNIQUE (subscriber, outbox_id)
) STRICT;

CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (subscriber, seq)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_outbox ON webhook_deliveries (outbox_id);

-- A subscriber's state when it is not simply active: `failing` (a delivery was given up; the
-- next success clears it) or `disabled` (it answered 410 Gone; an operator enables it again).
CREATE TABLE webhook_subscribers (
    subscriber TEXT NOT NULL PRIMARY KEY,
    state      TEXT NOT NULL,
    reason     TEXT,
    changed_at TEXT NOT NULL
) STRICT;
