-- The command queue, the lifecycle record of each subject, its history, and the outbox.
--
-- Same conventions as the inbox: times are fixed-width RFC 3339 text in UTC (millisecond
-- precision, trailing Z), so comparing the text compares the times; states and kinds are
-- snake_case names, unconstrained here so that a new name needs no table rebuild; JSON columns
-- hold the serde form of the domain types. STRICT makes SQLite enforce column types.

-- One row per command: an intent for one subject, from its creation to its one outcome.
CREATE TABLE commands (
    -- Insertion order: breaks ties between commands with the same source time (the commands one
    -- event fans out into run in the order the mapping listed them).
    seq             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    command_id      TEXT    NOT NULL UNIQUE,
    subject_key     TEXT    NOT NULL,
    intent          TEXT    NOT NULL,
    origin          TEXT    NOT NULL,
    -- Copied out of origin: a subject's commands run in this order.
    source_time     TEXT    NOT NULL,
    -- The inbox event the command was mapped from, and which of its items it is ('' for an
    -- event's only item). NULL for commands no event produced.
    origin_event_id TEXT,
    item_key        TEXT    NOT NULL,
    -- The dead-lettered command an operator replayed into this one.
    replay_of       TEXT,
    -- The effective time the command was created with; due_at moves with retries, this does not.
    effective_at    TEXT,
    state           TEXT    NOT NULL,
    due_at          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    parked_reason   TEXT,
    parked_licence  TEXT,
    progress        TEXT    NOT NULL DEFAULT '{}',
    outcome_kind    TEXT,
    outcome         TEXT,
    claimed_by      TEXT,
    claimed_until   TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
) STRICT;

-- Re-mapping an event finds its commands instead of adding more. Replays copy the event and item
-- of the command they replay, so they stand outside this rule.
CREATE UNIQUE INDEX commands_by_event_item ON commands (origin_event_id, item_key)
    WHERE replay_of IS NULL;
-- Per-subject ordering, supersede and "is anything running for this subject".
CREATE INDEX commands_by_subject ON commands (subject_key, state, source_time, seq);
-- The scheduler's question: what is due.
CREATE INDEX commands_by_due ON commands (state, due_at);
-- Operators' question: what ended how.
CREATE INDEX commands_by_outcome ON commands (outcome_kind, command_id);

-- The lifecycle record: who the person is in the org, why they have access, and what ends it.
CREATE TABLE subjects (
    subject_key              TEXT NOT NULL PRIMARY KEY,
    source                   TEXT NOT NULL,
    purpose                  TEXT,
    sponsor                  TEXT,
    account_ref              TEXT,
    account_id               TEXT,
    contact_id               TEXT,
    user_id                  TEXT,
    username                 TEXT,
    nickname                 TEXT,
    licence                  TEXT,
    state                    TEXT NOT NULL,
    deactivation_trigger     TEXT,
    end_at                   TEXT,
    welcome_email            TEXT,
    last_applied_source_time TEXT,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL
) STRICT;

-- Everything that happened to a subject, append-only.
CREATE TABLE subject_history (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    subject_key TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    command_id  TEXT,
    actor       TEXT,
    detail      TEXT    NOT NULL
) STRICT;

CREATE INDEX subject_history_by_subject ON subject_history (subject_key, id);

-- Outcome events waiting for the relay, written in the transaction of the outcome they announce.
CREATE TABLE outbox (
    outbox_id    TEXT NOT NULL PRIMARY KEY,
    subject_key  TEXT NOT NULL,
    command_id   TEXT NOT NULL,
    event_type   TEXT NOT NULL,
    payload      TEXT NOT NULL,
    traceparent  TEXT,
    created_at   TEXT NOT NULL,
    published_at TEXT
) STRICT;

-- The relay's question: what is not published yet, oldest first. Pruning asks by publish time.
CREATE INDEX outbox_unpublished ON outbox (published_at, outbox_id);
