-- Retention of personal data ([retention], docs/privacy.md): what a pass has already done to a
-- row, so that each pass takes only rows it has not touched, a batch at a time.
--
-- `body_sha256` is the SHA-256 of the body as received (lowercase hex), written with every new
-- event and, for events older than this column, just before their body is dropped: it stays
-- when the body goes, so an operator can still tell two deliveries' bodies apart. Redeliveries
-- are still recognised by (source, dedupe_key), which stays too. `body_dropped_at` is when the
-- body was dropped (it is then empty); such an event cannot be replayed.
ALTER TABLE inbox_events ADD COLUMN body_sha256 TEXT;
ALTER TABLE inbox_events ADD COLUMN body_dropped_at TEXT;
CREATE INDEX inbox_events_with_body ON inbox_events (updated_at) WHERE body_dropped_at IS NULL;

-- When a finished command's intent and outcome lost their personal fields.
ALTER TABLE commands ADD COLUMN scrubbed_at TEXT;
CREATE INDEX commands_unscrubbed ON commands (updated_at)
    WHERE scrubbed_at IS NULL AND state = 'done';

-- When a history row's detail lost its personal fields.
ALTER TABLE subject_history ADD COLUMN scrubbed_at TEXT;
CREATE INDEX subject_history_unscrubbed ON subject_history (at) WHERE scrubbed_at IS NULL;

-- Roster runs and webhook deliveries are found by age (reconciliation reports already are).
CREATE INDEX roster_runs_by_time ON roster_runs (created_at);
CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (created_at);
