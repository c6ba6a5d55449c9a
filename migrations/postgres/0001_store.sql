-- The whole store on PostgreSQL: the inbox, the command queue, the subjects' lifecycle records
-- and their history, the outbox, and the readiness heartbeat. The same tables as SQLite's
-- migrations 0001 to 0005 (migrations/sqlite/), which explain each column.
--
-- Every text column uses the "C" collation: SQLite compares text byte by byte, and the store
-- relies on it. Times are fixed-width RFC 3339 text in UTC (millisecond precision, trailing Z),
-- so comparing the text compares the times, and ids sort in creation order; a linguistic
-- collation would ignore the punctuation and order them differently.

CREATE TABLE inbox_events (
    event_id     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    source       TEXT COLLATE "C" NOT NULL,
    dedupe_key   TEXT COLLATE "C" NOT NULL,
    key_origin   TEXT COLLATE "C" NOT NULL,
    received_at  TEXT COLLATE "C" NOT NULL,
    source_time  TEXT COLLATE "C",
    content_type TEXT COLLATE "C" NOT NULL,
    body         BYTEA  NOT NULL,
    traceparent  TEXT COLLATE "C",
    status       TEXT COLLATE "C" NOT NULL,
    reason       TEXT COLLATE "C",
    attempts     BIGINT NOT NULL DEFAULT 0,
    replays      BIGINT NOT NULL DEFAULT 0,
    replayed_at  TEXT COLLATE "C",
    updated_at   TEXT COLLATE "C" NOT NULL,
    -- A resend to any replica carries the same key: it finds the first row instead of adding one.
    UNIQUE (source, dedupe_key)
);

CREATE INDEX inbox_events_by_status ON inbox_events (status, event_id);

CREATE TABLE commands (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    command_id      TEXT COLLATE "C" NOT NULL UNIQUE,
    subject_key     TEXT COLLATE "C" NOT NULL,
    intent          TEXT COLLATE "C" NOT NULL,
    origin          TEXT COLLATE "C" NOT NULL,
    source_time     TEXT COLLATE "C" NOT NULL,
    origin_event_id TEXT COLLATE "C",
    item_key        TEXT COLLATE "C" NOT NULL,
    replay_of       TEXT COLLATE "C",
    effective_at    TEXT COLLATE "C",
    state           TEXT COLLATE "C" NOT NULL,
    due_at          TEXT COLLATE "C" NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT COLLATE "C",
    parked_reason   TEXT COLLATE "C",
    parked_licence  TEXT COLLATE "C",
    progress        TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    outcome_kind    TEXT COLLATE "C",
    outcome         TEXT COLLATE "C",
    claimed_by      TEXT COLLATE "C",
    claimed_until   TEXT COLLATE "C",
    created_at      TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL,
    -- The fencing token of the command's current claim (SQLite's migration 0004).
    claim_token     BIGINT NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX commands_by_event_item ON commands (origin_event_id, item_key)
    WHERE replay_of IS NULL;
CREATE INDEX commands_by_subject ON commands (subject_key, state, source_time, seq);
CREATE INDEX commands_by_due ON commands (state, due_at);
CREATE INDEX commands_by_outcome ON commands (outcome_kind, command_id);

CREATE TABLE subjects (
    subject_key              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    source                   TEXT COLLATE "C" NOT NULL,
    purpose                  TEXT COLLATE "C",
    sponsor                  TEXT COLLATE "C",
    account_ref              TEXT COLLATE "C",
    account_id               TEXT COLLATE "C",
    contact_id               TEXT COLLATE "C",
    user_id                  TEXT COLLATE "C",
    username                 TEXT COLLATE "C",
    nickname                 TEXT COLLATE "C",
    licence                  TEXT COLLATE "C",
    state                    TEXT COLLATE "C" NOT NULL,
    deactivation_trigger     TEXT COLLATE "C",
    end_at                   TEXT COLLATE "C",
    welcome_email            TEXT COLLATE "C",
    last_applied_source_time TEXT COLLATE "C",
    created_at               TEXT COLLATE "C" NOT NULL,
    updated_at               TEXT COLLATE "C" NOT NULL,
    -- SQLite's migration 0003.
    pending_email            TEXT COLLATE "C"
);

CREATE TABLE subject_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject_key TEXT COLLATE "C" NOT NULL,
    at          TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    command_id  TEXT COLLATE "C",
    actor       TEXT COLLATE "C",
    detail      TEXT COLLATE "C" NOT NULL
);

CREATE INDEX subject_history_by_subject ON subject_history (subject_key, id);

CREATE TABLE outbox (
    -- Commit order: rows are written under the engine lock, so this orders them as they were
    -- committed, whichever replica wrote them. The ids are made from each replica's own clock,
    -- which may disagree by more than the time between two outcomes of one subject.
    seq          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    outbox_id    TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    subject_key  TEXT COLLATE "C" NOT NULL,
    command_id   TEXT COLLATE "C" NOT NULL,
    event_type   TEXT COLLATE "C" NOT NULL,
    payload      TEXT COLLATE "C" NOT NULL,
    traceparent  TEXT COLLATE "C",
    created_at   TEXT COLLATE "C" NOT NULL,
    published_at TEXT COLLATE "C"
);

-- The relay's question: what is not published yet, in commit order.
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
CREATE INDEX outbox_by_published_at ON outbox (published_at);

CREATE TABLE store_heartbeat (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    written_at TEXT COLLATE "C" NOT NULL
);
