#!/usr/bin/env bash
# Runs every check and test of the project: formatting, lints, the test suites of every crate,
# and a compile of the benchmarks. Services the tests need are started here and stopped on exit.
#
#   scripts/test.sh            # everything
#   scripts/test.sh -- FILTER  # only tests whose name contains FILTER
set -euo pipefail
cd "$(dirname "$0")/.."

# Build artefacts live outside the checkout so that fresh clones reuse them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gatehouse/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
filter=()
if [[ "${1:-}" == "--" ]]; then shift; filter=("$@"); fi

step() { printf '\n==> %s\n' "$*"; }

step "system libraries the build needs"
# librdkafka's SASL support links Cyrus SASL; Debian's package provides it.
if ! pkg-config --exists libsasl2 2>/dev/null; then
  sudo_=""; [[ "$(id -u)" -eq 0 ]] || sudo_="sudo"
  # A fresh machine's package lists may be empty: update them before installing.
  $sudo_ apt-get update
  $sudo_ apt-get install -y --no-install-recommends libsasl2-dev pkg-config
fi
echo "libsasl2 $(pkg-config --modversion libsasl2)"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "dependency audit: advisories, licences, bans, sources (cargo deny, offline)"
scripts/deny.sh

step "benchmarks compile (they are run by hand: see BENCHMARKS.md)"
cargo bench --workspace --locked --no-run

step "Kafka-compatible broker for the Kafka tests (tansu)"
# shellcheck source=scripts/tansu.sh
source scripts/tansu.sh
tansu_install
kafka_dir="$(mktemp -d)"
pg_dir=""
trap 'tansu_stop; rm -rf "$kafka_dir"; if [[ -n "$pg_dir" ]]; then pg_stop; rm -rf "$pg_dir"; fi' EXIT
tansu_start "$kafka_dir"
tansu_topic gatehouse.smoke 1
echo "broker on $TANSU_ADDR"
# The tests use this broker, and start their own from this binary when they restart one.
export GATEHOUSE_TEST_KAFKA="$TANSU_ADDR" GATEHOUSE_TEST_TANSU="$TANSU"

step "PostgreSQL server for the store's PostgreSQL variants"
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
pg_install
pg_dir="$(mktemp -d)"
# The server runs as an unprivileged user when we are root: it must reach its directory.
chmod 755 "$pg_dir"
pg_start "$pg_dir/pg"
echo "PostgreSQL on ${PG_URL#*@}"
# Each store test makes a database of its own on this server and drops it afterwards.
export GATEHOUSE_TEST_POSTGRES="$PG_URL"

step "tests"
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast "${filter[@]}"
else
  cargo test --workspace --locked --no-fail-fast "${filter[@]}"
fi

if [[ ${#filter[@]} -eq 0 ]]; then
  step "interoperability with other ecosystems' libraries"
  scripts/interop.sh

  step "container image, local stack and Kubernetes manifests (offline)"
  scripts/check-deploy.sh
fi
