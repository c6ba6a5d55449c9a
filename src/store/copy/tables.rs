//! What the copy moves: every table of the SQLite store that holds state, column by column,
//! in the order they are copied, and the values a row is carried in between the two drivers.
//!
//! The list is checked against the schema by the tests beside this module: a column or a table
//! added to SQLite's migrations without being named here fails them, so nothing of the store is
//! silently left behind. `store_heartbeat` is not copied: it holds no state, only the time of
//! the last readiness check, and every replica rewrites it.

/// How a column's values are carried from SQLite to PostgreSQL (SQLite's `STRICT` types; text
/// and integers map to `TEXT` and `BIGINT`, blobs to `BYTEA`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Integer,
    Blob,
}

/// One column, by its name in both schemas.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    pub(super) name: &'static str,
    pub(super) kind: Kind,
}

const fn text(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Text,
    }
}

const fn integer(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Integer,
    }
}

const fn blob(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Blob,
    }
}

/// One table: its columns as both stores have them, and how its rows are paged and numbered.
#[derive(Debug)]
pub(super) struct Table {
    pub(super) name: &'static str,
    /// Every column the SQLite table has, each copied as it is.
    pub(super) columns: &'static [Column],
    /// The column pages are keyed on (the primary key; unique, so `>` the last key is the next
    /// page).
    pub(super) key: &'static str,
    /// A PostgreSQL identity column among `columns`: its values are copied as they are
    /// (`OVERRIDING SYSTEM VALUE`), then its sequence is set past the highest, so rows added
    /// later number after the copied ones.
    pub(super) identity: Option<&'static str>,
    /// A PostgreSQL identity column SQLite does not have: the copied rows are numbered 1, 2, …
    /// in `key` order, then its sequence is set past them. The outbox's `seq`, whose order the
    /// relay publishes in on PostgreSQL: SQLite's relay publishes in id order, so numbering in
    /// id order keeps the order of publication.
    pub(super) numbered: Option<&'static str>,
}

impl Table {
    /// Where the page key sits among `columns`.
    pub(super) fn key_index(&self) -> usize {
        self.columns
            .iter()
            .position(|column| column.name == self.key)
            .unwrap_or(0)
    }

    /// The columns, comma-separated, as a statement lists them.
    pub(super) fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|column| column.name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The tables the copy fills, in the order it fills them (each table on its own: the schema has
/// no foreign keys, so the order only sets the order of the progress lines).
pub(super) const TABLES: &[Table] = &[
    Table {
        name: "inbox_events",
        columns: &[
            text("event_id"),
            text("source"),
            text("dedupe_key"),
            text("key_origin"),
            text("received_at"),
            text("source_time"),
            text("content_type"),
            blob("body"),
            text("traceparent"),
            text("status"),
            text("reason"),
            integer("attempts"),
            integer("replays"),
            text("replayed_at"),
            text("updated_at"),
            text("body_sha256"),
            text("body_dropped_at"),
        ],
        key: "event_id",
        identity: None,
        numbered: None,
    },
    Table {
        name: "commands",
        columns: &[
            integer("seq"),
            text("command_id"),
            text("subject_key"),
            text("intent"),
            text("origin"),
            text("source_time"),
            text("origin_event_id"),
            text("item_key"),
            text("replay_of"),
            text("effective_at"),
            text("state"),
            text("due_at"),
            integer("attempts"),
            text("last_error"),
            text("parked_reason"),
            text("parked_licence"),
            text("progress"),
            text("outcome_kind"),
            text("outcome"),
            text("claimed_by"),
            text("claimed_until"),
            text("created_at"),
            text("updated_at"),
            integer("claim_token"),
            text("held_reason"),
            text("held_source"),
            text("scrubbed_at"),
        ],
        key: "seq",
        identity: Some("seq"),
        numbered: None,
    },
    Table {
        name: "subjects",
        columns: &[
            text("subject_key"),
            text("source"),
            text("purpose"),
            text("sponsor"),
            text("account_ref"),
            text("account_id"),
            text("contact_id"),
            text("user_id"),
            text("username"),
            text("nickname"),
            text("licence"),
            text("state"),
            text("deactivation_trigger"),
            text("end_at"),
            text("welcome_email"),
            text("last_applied_source_time"),
            text("created_at"),
            text("updated_at"),
            text("pending_email"),
            text("access_source"),
        ],
        key: "subject_key",
        identity: None,
        numbered: None,
    },
    Table {
        name: "subject_history",
        columns: &[
            integer("id"),
            text("subject_key"),
            text("at"),
            text("kind"),
            text("command_id"),
            text("actor"),
            text("detail"),
            text("scrubbed_at"),
        ],
        key: "id",
        identity: Some("id"),
        numbered: None,
    },
    Table {
        name: "outbox",
        columns: &[
            text("outbox_id"),
            text("subject_key"),
            text("command_id"),
            text("event_type"),
            text("payload"),
            text("traceparent"),
            text("created_at"),
            text("published_at"),
        ],
        key: "outbox_id",
        identity: None,
        numbered: Some("seq"),
    },
    Table {
        name: "guard_deprovisions",
        columns: &[text("command_id"), text("source"), text("counted_at")],
        key: "command_id",
        identity: None,
        numbered: None,
    },
    Table {
        name: "guard_trips",
        columns: &[
            text("scope"),
            text("tripped_at"),
            text("cleared_at"),
            integer("trips"),
            text("reason"),
        ],
        key: "scope",
        identity: None,
        numbered: None,
    },
    Table {
        name: "roster_runs",
        columns: &[
            text("run_id"),
            text("source"),
            text("origin"),
            text("actor"),
            text("verdict"),
            text("reason"),
            text("report"),
            text("created_at"),
        ],
        key: "run_id",
        identity: None,
        numbered: None,
    },
    Table {
        name: "reconcile_reports",
        columns: &[
            text("run_id"),
            text("started_at"),
            text("finished_at"),
            text("report"),
        ],
        key: "run_id",
        identity: None,
        numbered: None,
    },
    Table {
        name: "roster_absences",
        columns: &[
            text("subject_key"),
            text("source"),
            text("first_missing_at"),
            text("due_at"),
            text("run_id"),
            text("command_id"),
        ],
        key: "subject_key",
        identity: None,
        numbered: None,
    },
    Table {
        name: "webhook_deliveries",
        columns: &[
            integer("seq"),
            text("subscriber"),
            text("outbox_id"),
            text("subject_key"),
            text("state"),
            integer("attempts"),
            text("created_at"),
            text("next_attempt_at"),
            text("retry_until"),
            text("last_attempt_at"),
            integer("last_status"),
            text("last_error"),
            text("delivered_at"),
        ],
        key: "seq",
        identity: Some("seq"),
        numbered: None,
    },
    Table {
        name: "subject_tombstones",
        columns: &[
            text("key_hash"),
            text("last_applied_source_time"),
            text("erased_at"),
            text("actor"),
            text("reason"),
        ],
        key: "key_hash",
        identity: None,
        numbered: None,
    },
    Table {
        name: "subject_erasures",
        columns: &[
            text("subject_key"),
            text("command_id"),
            text("actor"),
            text("reason"),
            text("requested_at"),
        ],
        key: "subject_key",
        identity: None,
        numbered: None,
    },
    Table {
        name: "webhook_subscribers",
        columns: &[
            text("subscriber"),
            text("state"),
            text("reason"),
            text("changed_at"),
        ],
        key: "subscriber",
        identity: None,
        numbered: None,
    },
    Table {
        name: "audit",
        columns: &[
            integer("seq"),
            text("at"),
            text("actor"),
            text("roles"),
            text("action"),
            text("target"),
            text("reason"),
            text("subject_key"),
            text("personal"),
        ],
        key: "seq",
        identity: Some("seq"),
        numbered: None,
    },
];

/// One value of a row, as read from SQLite and written to PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    Text(Option<String>),
    Integer(Option<i64>),
    Blob(Option<Vec<u8>>),
}

/// A row: its values in the order of its table's `columns`.
pub(super) type Row = Vec<Value>;
