-- Periodic tasks (the outbox relay, pruning, licence polls) run on one replica at a time: the
-- replica named in `holder` holds the task's turn until `expires_at` and renews it while it
-- runs; another replica takes the turn only once it has expired or been given up.
CREATE TABLE task_turns (
    task       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    holder     TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL
);

-- The replicas sharing the store, each renewing its row while it runs: the org-wide cap on
-- concurrent Salesforce calls is shared among the replicas alive here.
CREATE TABLE replicas (
    worker_id  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    expires_at TEXT COLLATE "C" NOT NULL
);
