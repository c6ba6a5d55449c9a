-- Erasure of a person on request (docs/privacy.md, "Erasing a person").
--
-- What an erasure leaves behind: the keyed hash of the subject key (HMAC-SHA256 under
-- `[log] mask_key`, as log lines mask personal values), the last source time applied to the
-- person, when, by whom and why. No personal value. A later event for the same key finds the
-- row by the hash, so one older than the last applied source time is still skipped as stale.
CREATE TABLE subject_tombstones (
    key_hash                 TEXT NOT NULL PRIMARY KEY,
    last_applied_source_time TEXT,
    erased_at                TEXT NOT NULL,
    actor                    TEXT NOT NULL,
    reason                   TEXT
) STRICT;

-- Erasures waiting for the deprovision enqueued with them: done once it succeeded, abandoned
-- (with a history row saying why) when it ended otherwise. The row goes either way.
CREATE TABLE subject_erasures (
    subject_key  TEXT NOT NULL PRIMARY KEY,
    command_id   TEXT NOT NULL,
    actor        TEXT NOT NULL,
    reason       TEXT,
    requested_at TEXT NOT NULL
) STRICT;
