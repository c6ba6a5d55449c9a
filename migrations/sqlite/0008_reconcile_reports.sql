-- Reconciliation runs with the org: each run's report (every finding with its evidence, and the
-- commands it enqueued), kept so operators can read the last one.
CREATE TABLE reconcile_reports (
    run_id      TEXT NOT NULL PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    report      TEXT NOT NULL
) STRICT;
CREATE INDEX reconcile_reports_by_start ON reconcile_reports (started_at);
