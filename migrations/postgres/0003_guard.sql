-- The mass-deprovision guard: SQLite's migration 0007 (docs/operations.md, "The
-- mass-deprovision guard").

-- Why a held command waits for an operator, and the source whose deprovisions it counts as.
ALTER TABLE commands ADD COLUMN held_reason TEXT COLLATE "C";
ALTER TABLE commands ADD COLUMN held_source TEXT COLLATE "C";

-- The deprovisions the guard admitted, one row each, counted within its sliding window and
-- deleted once older than the window. Shared by every replica; written under the engine lock.
CREATE TABLE guard_deprovisions (
    command_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    source     TEXT COLLATE "C" NOT NULL,
    counted_at TEXT COLLATE "C" NOT NULL
);

CREATE INDEX guard_deprovisions_by_time ON guard_deprovisions (counted_at);
CREATE INDEX guard_deprovisions_by_source ON guard_deprovisions (source, counted_at);

-- Each scope's trip: `*` for every source together, or a source's name. `tripped_at` is set
-- while the scope holds its deprovisions; `cleared_at` is when operators last released it
-- (the window counts only what was admitted since).
CREATE TABLE guard_trips (
    scope      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    tripped_at TEXT COLLATE "C",
    cleared_at TEXT COLLATE "C",
    trips      BIGINT NOT NULL DEFAULT 0,
    reason     TEXT COLLATE "C"
);

CREATE INDEX commands_held ON commands (seq) WHERE state = 'held';

-- The guard counts the people managed (records that hold access), overall and per source.
CREATE INDEX subjects_by_state ON subjects (state, source);
