-- The inbox: every event Gatehouse accepted, written before the sender hears 202.
--
-- Times are RFC 3339 text in UTC with millisecond precision and a trailing Z (fixed width, so
-- they sort as times). Status and key origin are snake_case names; they are not constrained
-- here, so adding a status later needs no table rebuild (SQLite cannot alter a CHECK), and the
-- service refuses to read a name it does not know. STRICT makes SQLite enforce column types.
CREATE TABLE inbox_events (
    event_id     TEXT    NOT NULL PRIMARY KEY,
    source       TEXT    NOT NULL,
    dedupe_key   TEXT    NOT NULL,
    key_origin   TEXT    NOT NULL,
    received_at  TEXT    NOT NULL,
    source_time  TEXT,
    content_type TEXT    NOT NULL,
    body         BLOB    NOT NULL,
    traceparent  TEXT,
    status       TEXT    NOT NULL,
    reason       TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    replays      INTEGER NOT NULL DEFAULT 0,
    replayed_at  TEXT,
    updated_at   TEXT    NOT NULL,
    -- A resend carries the same key: it finds the first row instead of adding one.
    UNIQUE (source, dedupe_key)
) STRICT;

-- The mapping stage and operators page through one status in id (= acceptance) order.
CREATE INDEX inbox_events_by_status ON inbox_events (status, event_id);
