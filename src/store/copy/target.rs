//! The side copied to: an empty PostgreSQL database, filled in one transaction.
//!
//! The store is opened as a replica opens it (so the schema is made by the same migrations, under
//! the same lock), then one transaction locks every table the copy fills against writers
//! (`EXCLUSIVE` mode: reads go on, writes wait), checks they are empty, inserts the pages and
//! sets the identity sequences. It commits only once every table is copied: a copy that fails
//! half-way leaves the database as it found it, and a second copy started meanwhile waits for
//! the lock, then finds the tables filled and refuses.

use sqlx::{Postgres, QueryBuilder, Transaction};

use super::CopyError;
use super::tables::{Row, TABLES, Table, Value};
use crate::store::PostgresOptions;
use crate::store::postgres::PostgresStore;

/// The PostgreSQL store being filled, inside the copy's transaction.
pub(super) struct Target {
    store: PostgresStore,
    transaction: Transaction<'static, Postgres>,
}

impl Target {
    /// Connects, brings the schema up to date, begins the copy's transaction and locks the
    /// tables; refuses a database whose tables already hold rows.
    pub(super) async fn open(options: &PostgresOptions) -> Result<Target, CopyError> {
        let store = PostgresStore::open(options)
            .await
            .map_err(|source| CopyError::TargetOpen { source })?;
        let mut transaction = store
            .begin_copy()
            .await
            .map_err(|source| CopyError::Target {
                action: "beginning the copy's transaction",
                source,
            })?;
        let names: Vec<&str> = TABLES.iter().map(|table| table.name).collect();
        sqlx::query(&format!(
            "LOCK TABLE {} IN EXCLUSIVE MODE",
            names.join(", ")
        ))
        .execute(&mut *transaction)
        .await
        .map_err(|source| CopyError::Target {
            action: "locking the tables against writers",
            source,
        })?;
        let mut filled = Vec::new();
        for table in TABLES {
            let any: bool =
                sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM {})", table.name))
                    .fetch_one(&mut *transaction)
                    .await
                    .map_err(|source| CopyError::Target {
                        action: "checking the database is empty",
                        source,
                    })?;
            if any {
                filled.push(table.name);
            }
        }
        if !filled.is_empty() {
            drop(transaction);
            store.close().await;
            return Err(CopyError::TargetNotEmpty {
                tables: filled.join(", "),
            });
        }
        Ok(Target { store, transaction })
    }

    /// Inserts one page of `table`; a numbered table's rows get `first`, `first + 1`, ….
    pub(super) async fn insert(
        &mut self,
        table: &Table,
        rows: Vec<Row>,
        first: i64,
    ) -> Result<(), CopyError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut insert = QueryBuilder::<Postgres>::new(format!(
            "INSERT INTO {} ({}",
            table.name,
            table.column_list()
        ));
        if let Some(numbered) = table.numbered {
            insert.push(", ").push(numbered);
        }
        insert.push(")");
        if table.identity.is_some() || table.numbered.is_some() {
            insert.push(" OVERRIDING SYSTEM VALUE");
        }
        insert.push(" ");
        let mut number = first;
        insert.push_values(rows, |mut values, row| {
            for value in row {
                match value {
                    Value::Text(text) => values.push_bind(text),
                    Value::Integer(integer) => values.push_bind(integer),
                    Value::Blob(blob) => values.push_bind(blob),
                };
            }
            if table.numbered.is_some() {
                values.push_bind(number);
                number += 1;
            }
        });
        insert
            .build()
            .execute(&mut *self.transaction)
            .await
            .map_err(|source| CopyError::Write {
                table: table.name,
                source,
            })?;
        Ok(())
    }

    /// Sets the table's identity sequence to its highest value, so the next row a replica adds
    /// numbers after every copied one (and the outbox's next event is published after them).
    pub(super) async fn continue_numbering(&mut self, table: &Table) -> Result<(), CopyError> {
        let Some(column) = table.identity.or(table.numbered) else {
            return Ok(());
        };
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), MAX({column})) FROM {name} \
             HAVING MAX({column}) IS NOT NULL",
            name = table.name
        ))
        .bind(table.name)
        .bind(column)
        .execute(&mut *self.transaction)
        .await
        .map_err(|source| CopyError::Target {
            action: "setting the identity sequences",
            source,
        })?;
        Ok(())
    }

    /// Commits the whole copy, then closes the connections.
    pub(super) async fn commit(self) -> Result<(), CopyError> {
        let committed = self
            .transaction
            .commit()
            .await
            .map_err(|source| CopyError::Target {
                action: "committing the copy",
                source,
            });
        self.store.close().await;
        committed
    }

    /// Rolls the copy back (nothing is left in the database), then closes the connections.
    pub(super) async fn abandon(self) {
        let _ = self.transaction.rollback().await;
        self.store.close().await;
    }
}
