use super::*;

fn store(text: &str) -> StoreConfig {
    toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

fn postgres(text: &str) -> PostgresConfig {
    match store(text) {
        StoreConfig::Postgres(postgres) => postgres,
        other => panic!("not a PostgreSQL store: {other:?}"),
    }
}

fn problem_keys(config: &PostgresConfig) -> Vec<String> {
    config.problems().into_iter().map(|(key, _)| key).collect()
}

#[test]
fn a_postgres_store_reads_with_its_defaults() {
    let config =
        postgres("kind = \"postgres\"\nurl = \"postgres://gh:pw@db.internal/gatehouse\"\n");
    assert_eq!(config.pool_size, 10);
    assert_eq!(config.statement_timeout_seconds, 30);
    assert_eq!(config.sslmode, SslMode::Prefer);
    assert_eq!(config.ca_file, None);
    assert_eq!(config.max_batch, 256);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
}

#[test]
fn every_setting_is_read_and_the_url_is_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "-----BEGIN CERTIFICATE-----\n").unwrap();
    let config = postgres(&format!(
        "kind = \"postgres\"\nurl = \"postgresql://gh:hunter2@db.internal:6432/gh\"\n\
         pool_size = 4\nstatement_timeout_seconds = 5\nsslmode = \"verify-full\"\n\
         ca_file = \"{}\"\n",
        ca.display()
    ));
    assert_eq!(config.pool_size, 4);
    assert_eq!(config.statement_timeout_seconds, 5);
    assert_eq!(config.sslmode, SslMode::VerifyFull);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    let printed = format!("{config:?}{}", toml::to_string(&config).unwrap());
    assert!(!printed.contains("hunter2"), "{printed}");
}

#[test]
fn the_url_may_come_from_the_environment_and_must_be_set_there() {
    let config =
        postgres("kind = \"postgres\"\nurl = { env = \"GATEHOUSE_TEST_UNSET_DATABASE_URL\" }\n");
    let problems = config.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].1.contains("store.url"), "{problems:?}");
    assert!(
        problems[0].1.contains("GATEHOUSE_TEST_UNSET_DATABASE_URL"),
        "{problems:?}"
    );
}

#[test]
fn urls_that_are_not_postgresql_are_refused_without_repeating_them() {
    for url in [
        "mysql://gh:hunter2@db/gh",
        "not a url hunter2",
        "postgres:///hunter2",
    ] {
        let config = postgres(&format!("kind = \"postgres\"\nurl = \"{url}\"\n"));
        let problems = config.problems();
        assert_eq!(problem_keys(&config), ["store.url"], "{url}: {problems:?}");
        assert!(!problems[0].1.contains("hunter2"), "{problems:?}");
    }
}

#[test]
fn sizes_out_of_range_are_named() {
    let config = postgres(
        "kind = \"postgres\"\nurl = \"postgres://db/gh\"\npool_size = 0\n\
         statement_timeout_seconds = 0\nmax_batch = 0\n",
    );
    assert_eq!(
        problem_keys(&config),
        [
            "store.pool_size",
            "store.statement_timeout_seconds",
            "store.max_batch"
        ]
    );
}

#[test]
fn a_ca_file_must_exist_and_be_read_by_the_chosen_sslmode() {
    let unread = postgres(
        "kind = \"postgres\"\nurl = \"postgres://db/gh\"\nsslmode = \"require\"\n\
         ca_file = \"/etc/hosts\"\n",
    );
    assert_eq!(problem_keys(&unread), ["store.ca_file"]);
    assert!(unread.problems()[0].1.contains("verify-ca"));
    let missing = postgres(
        "kind = \"postgres\"\nurl = \"postgres://db/gh\"\nsslmode = \"verify-ca\"\n\
         ca_file = \"/nonexistent/ca.pem\"\n",
    );
    assert_eq!(problem_keys(&missing), ["store.ca_file"]);
}

#[test]
fn unknown_keys_and_sslmodes_are_refused() {
    for text in [
        "kind = \"postgres\"\nurl = \"postgres://db/gh\"\npool = 3\n",
        "kind = \"postgres\"\nurl = \"postgres://db/gh\"\nsslmode = \"allow-anything\"\n",
        "kind = \"postgres\"\n",
        "kind = \"sqlite\"\nurl = \"postgres://db/gh\"\n",
    ] {
        assert!(toml::from_str::<StoreConfig>(text).is_err(), "{text}");
    }
}

#[test]
fn a_whole_config_takes_a_postgres_store_without_sqlite_keys_leaking_in() {
    let settings = crate::config::Settings::from_toml(
        "[salesforce]\norg = \"simulated\"\n[store]\nkind = \"postgres\"\n\
         url = \"postgres://db/gh\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(settings.store, StoreConfig::Postgres(_)));
    let sqlite = crate::config::Settings::from_toml(
        "[salesforce]\norg = \"simulated\"\n[store]\npath = \"var/other.db\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(&sqlite.store, StoreConfig::Sqlite { path, .. } if path.ends_with("other.db")),
        "{:?}",
        sqlite.store
    );
}

#[test]
fn the_store_table_loads_alone_from_a_whole_config() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.toml");
    // No [salesforce] and a source whose secret is unset: the service would refuse this file,
    // but the store's table is all a store tool reads.
    std::fs::write(
        &path,
        "[store]\nkind = \"postgres\"\nurl = \"postgres://gh:pw@db.internal/gh\"\n\
         sslmode = \"require\"\n\
         [sources.hr.verification]\nscheme = \"hmac\"\npreset = \"bamboohr\"\n\
         secrets = [{ secret = { env = \"GATEHOUSE_TEST_UNSET_SECRET_VAR\" } }]\n",
    )
    .unwrap();
    match StoreConfig::load(&path).unwrap() {
        StoreConfig::Postgres(postgres) => assert_eq!(postgres.sslmode, SslMode::Require),
        other => panic!("not a PostgreSQL store: {other:?}"),
    }
}

#[test]
fn the_store_table_loaded_alone_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.toml");
    std::fs::write(
        &path,
        "[store]\nkind = \"postgres\"\nurl = \"mysql://db.internal/gh\"\npool_size = 0\n",
    )
    .unwrap();
    let error = StoreConfig::load(&path).unwrap_err();
    let keys: Vec<&str> = error.problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["store.url", "store.pool_size"], "{error}");
    let missing = StoreConfig::load(&dir.path().join("absent.toml")).unwrap_err();
    assert!(missing.to_string().contains("no such file"), "{missing}");
}

#[test]
fn a_config_without_a_store_table_names_the_default_sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.toml");
    std::fs::write(&path, "[service]\nlisten = \"127.0.0.1:8080\"\n").unwrap();
    assert!(matches!(
        StoreConfig::load(&path).unwrap(),
        StoreConfig::Sqlite { .. }
    ));
}
