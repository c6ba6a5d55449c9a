-- One row the readiness check rewrites to prove the store takes writes (`/readyz`). Its key is
-- fixed, so the table stays one row however often readiness is asked.
CREATE TABLE store_heartbeat (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    written_at TEXT    NOT NULL
) STRICT;
