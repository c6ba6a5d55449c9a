-- Rosters: a source's full list of its current people, compared with who has access.
--
-- `access_source` is the source whose provision last applied to the subject (`operator` for a
-- manual one): the source a roster answers for. Before it existed the subject's first source
-- stood for it, so existing records start from that.
ALTER TABLE subjects ADD COLUMN access_source TEXT;
UPDATE subjects SET access_source = source;

-- One row per roster run: an upload or a read of the configured file, with its verdict
-- (`applied`, `refused`, `dry_run`) and the report as JSON. Kept in its own table so that
-- retention can prune rosters on their own terms.
CREATE TABLE roster_runs (
    run_id     TEXT NOT NULL PRIMARY KEY,
    source     TEXT NOT NULL,
    origin     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    verdict    TEXT NOT NULL,
    reason     TEXT,
    report     TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE INDEX roster_runs_by_source ON roster_runs (source, run_id);

-- People with access from a source whom its last applied roster did not list: since when, when
-- the grace ends, and the deprovision enqueued once it ended. A roster listing them again
-- deletes the row.
CREATE TABLE roster_absences (
    subject_key      TEXT NOT NULL PRIMARY KEY,
    source           TEXT NOT NULL,
    first_missing_at TEXT NOT NULL,
    due_at           TEXT NOT NULL,
    run_id           TEXT NOT NULL,
    command_id       TEXT
) STRICT;

CREATE INDEX roster_absences_by_source ON roster_absences (source, subject_key);
CREATE INDEX roster_absences_by_due ON roster_absences (due_at) WHERE command_id IS NULL;
