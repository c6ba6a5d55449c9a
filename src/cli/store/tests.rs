use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::ExposeSecret;

use super::target::{self, Target, TargetError};
use super::{progress_line, summary_text};
use crate::config::SslMode;
use crate::store::copy::{CopyProgress, CopySummary};

#[test]
fn from_takes_a_sqlite_path_only() {
    assert_eq!(
        target::source_path("sqlite:var/gatehouse.db").unwrap(),
        PathBuf::from("var/gatehouse.db")
    );
    for refused in ["var/gatehouse.db", "sqlite:", "postgres://db/gh"] {
        let error = target::source_path(refused).unwrap_err();
        assert!(
            matches!(error, TargetError::FromForm),
            "{refused}: {error:?}"
        );
        assert!(error.to_string().contains("sqlite:PATH"), "{error}");
    }
}

#[test]
fn to_takes_the_three_secret_forms() {
    assert_eq!(
        target::target("env:STORE_DATABASE_URL").unwrap(),
        Target::Env("STORE_DATABASE_URL".into())
    );
    assert_eq!(
        target::target("file:/run/secrets/db-url").unwrap(),
        Target::File("/run/secrets/db-url".into())
    );
    assert_eq!(
        target::target("config:deploy/gatehouse.toml").unwrap(),
        Target::Config("deploy/gatehouse.toml".into())
    );
    assert!(matches!(
        target::target("env:"),
        Err(TargetError::Empty("env:"))
    ));
}

#[test]
fn a_url_on_the_command_line_is_refused_without_repeating_it() {
    for url in [
        "postgres://gatehouse:hunter2@db.internal/gatehouse",
        "postgresql://gatehouse:hunter2@db.internal:5432/gatehouse",
    ] {
        let error = target::target(url).unwrap_err();
        assert!(matches!(error, TargetError::LiteralUrl), "{error:?}");
        let message = error.to_string();
        assert!(!message.contains("hunter2"), "{message}");
        for form in ["env:VAR", "file:PATH", "config:FILE"] {
            assert!(message.contains(form), "names {form}: {message}");
        }
    }
    let other = target::target("host=db.internal password=hunter2").unwrap_err();
    assert!(matches!(other, TargetError::ToForm), "{other:?}");
    assert!(!other.to_string().contains("hunter2"));
}

#[test]
fn a_url_kept_in_a_file_is_read_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("url");
    std::fs::write(&file, "postgres://gh:hunter2@db.internal/gh\n").unwrap();
    let options =
        target::options(&Target::File(file.clone()), Some(SslMode::Require), None).unwrap();
    assert_eq!(
        options.url.expose_secret(),
        "postgres://gh:hunter2@db.internal/gh"
    );
    assert_eq!(options.sslmode, SslMode::Require);

    std::fs::write(&file, "mysql://gh:hunter2@db.internal/gh\n").unwrap();
    let error = target::options(&Target::File(file.clone()), None, None).unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with("--to file:"), "{message}");
    assert!(
        message.contains("postgres://"),
        "says what a URL looks like: {message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn a_missing_variable_or_file_says_which() {
    let error = target::options(
        &Target::Env("GATEHOUSE_TEST_UNSET_DATABASE_URL".into()),
        None,
        None,
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("--to env:GATEHOUSE_TEST_UNSET_DATABASE_URL")
            && message.contains("is not set"),
        "{message}"
    );
    let error = target::options(&Target::File("/no/such/url".into()), None, None).unwrap_err();
    assert!(error.to_string().contains("/no/such/url"), "{error}");
}

#[test]
fn a_ca_file_needs_a_verifying_sslmode() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("url");
    std::fs::write(&file, "postgres://gh:pw@db.internal/gh").unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "-----BEGIN CERTIFICATE-----\n").unwrap();
    let error = target::options(
        &Target::File(file.clone()),
        Some(SslMode::Require),
        Some(&ca),
    )
    .unwrap_err();
    assert!(error.to_string().starts_with("--ca-file"), "{error}");
    let options =
        target::options(&Target::File(file), Some(SslMode::VerifyFull), Some(&ca)).unwrap();
    assert_eq!(options.ca_file.as_deref(), Some(ca.as_path()));
}

#[test]
fn the_config_form_takes_its_store_table() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("gatehouse.toml");
    std::fs::write(
        &config,
        "[store]\nkind = \"postgres\"\nurl = \"postgres://gh:pw@db.internal/gh\"\n\
         sslmode = \"disable\"\nstatement_timeout_seconds = 7\n",
    )
    .unwrap();
    let options = target::options(&Target::Config(config.clone()), None, None).unwrap();
    assert_eq!(options.sslmode, SslMode::Disable);
    assert_eq!(options.statement_timeout, Duration::from_secs(7));
    let error = target::options(&Target::Config(config), Some(SslMode::Require), None).unwrap_err();
    assert!(matches!(error, TargetError::FlagsWithConfig), "{error:?}");

    let sqlite = dir.path().join("sqlite.toml");
    std::fs::write(&sqlite, "[store]\nkind = \"sqlite\"\npath = \"var/g.db\"\n").unwrap();
    let error = target::options(&Target::Config(sqlite), None, None).unwrap_err();
    assert!(error.to_string().contains("kind = \"postgres\""), "{error}");
}

#[test]
fn sslmode_reads_as_the_config_does() {
    assert_eq!(target::sslmode("verify-full").unwrap(), SslMode::VerifyFull);
    assert!(
        target::sslmode("verify_full")
            .unwrap_err()
            .contains("verify-full")
    );
}

#[test]
fn progress_and_summary_say_what_was_copied() {
    let line = |table, copied, total| {
        progress_line(&CopyProgress {
            table,
            copied,
            total,
        })
    };
    assert_eq!(line("outbox", 0, 0), "  outbox: no rows");
    assert_eq!(line("commands", 0, 1204), "  commands: 1204 rows to copy");
    assert_eq!(
        line("commands", 500, 1204),
        "  commands: 500 of 1204 rows copied"
    );

    let summary = CopySummary {
        tables: vec![("inbox_events", 7), ("commands", 1204)],
        running: vec![("gatehouse".into(), 2)],
        unpublished: 3,
    };
    let text = summary_text(&summary, Path::new("var/g.db"), Duration::from_millis(1300));
    assert!(text.starts_with("Copied the SQLite store var/g.db into PostgreSQL in 1.3 s:\n"));
    assert!(
        text.contains("  commands              1204 rows\n"),
        "{text}"
    );
    assert!(
        text.contains("3 outcome event(s) not yet published"),
        "{text}"
    );
    assert!(
        text.contains("2 command(s) were running under worker \"gatehouse\""),
        "{text}"
    );
    let quiet = CopySummary {
        running: Vec::new(),
        unpublished: 0,
        ..summary
    };
    let text = summary_text(&quiet, Path::new("var/g.db"), Duration::from_secs(1));
    assert!(
        !text.contains("not yet published") && !text.contains("running"),
        "{text}"
    );
}
