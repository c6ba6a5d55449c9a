-- Retention of personal data: SQLite's migration 0013 (migrations/sqlite/), which explains each
-- column.
ALTER TABLE inbox_events ADD COLUMN body_sha256 TEXT COLLATE "C";
ALTER TABLE inbox_events ADD COLUMN body_dropped_at TEXT COLLATE "C";
CREATE INDEX inbox_events_with_body ON inbox_events (updated_at) WHERE body_dropped_at IS NULL;

ALTER TABLE commands ADD COLUMN scrubbed_at TEXT COLLATE "C";
CREATE INDEX commands_unscrubbed ON commands (updated_at)
    WHERE scrubbed_at IS NULL AND state = 'done';

ALTER TABLE subject_history ADD COLUMN scrubbed_at TEXT COLLATE "C";
CREATE INDEX subject_history_unscrubbed ON subject_history (at) WHERE scrubbed_at IS NULL;

CREATE INDEX roster_runs_by_time ON roster_runs (created_at);
CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (created_at);
