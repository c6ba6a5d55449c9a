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
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber      TEXT COLLATE "C" NOT NULL,
    outbox_id       TEXT COLLATE "C" NOT NULL,
    subject_key     TEXT COLLATE "C" NOT NULL,
    state           TEXT COLLATE "C" NOT NULL,
    attempts        BIGINT NOT NULL,
    created_at      TEXT COLLATE "C" NOT NULL,
    next_attempt_at TEXT COLLATE "C",
    retry_until     TEXT COLLATE "C" NOT NULL,
    last_attempt_at TEXT COLLATE "C",
    last_status     BIGINT,
    last_error      TEXT COLLATE "C",
    delivered_at    TEXT COLLATE "C",
    UNIQUE (subscriber, outbox_id)
);

CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (subscriber, seq)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_outbox ON webhook_deliveries (outbox_id);

-- A subscriber's state when it is not simply active: `failing` (a delivery was given up; the
-- next success clears it) or `disabled` (it answered 410 Gone; an operator enables it again).
CREATE TABLE webhook_subscribers (
    subscriber TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    state      TEXT COLLATE "C" NOT NULL,
    reason     TEXT COLLATE "C",
    changed_at TEXT COLLATE "C" NOT NULL
);
