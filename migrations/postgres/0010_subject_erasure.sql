-- Erasure of a person on request: SQLite's migration 0014, which explains each column
-- (docs/privacy.md, "Erasing a person").
CREATE TABLE subject_tombstones (
    key_hash                 TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    last_applied_source_time TEXT COLLATE "C",
    erased_at                TEXT COLLATE "C" NOT NULL,
    actor                    TEXT COLLATE "C" NOT NULL,
    reason                   TEXT COLLATE "C"
);

CREATE TABLE subject_erasures (
    subject_key  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    command_id   TEXT COLLATE "C" NOT NULL,
    actor        TEXT COLLATE "C" NOT NULL,
    reason       TEXT COLLATE "C",
    requested_at TEXT COLLATE "C" NOT NULL
);
