#!/usr/bin/env bash
# A throwaway PostgreSQL server on a loopback port: Debian's `postgresql` package, a fresh
# cluster made by `initdb` in a temporary directory, run as an unprivileged user (PostgreSQL
# refuses to run as root). No Docker, no system service touched.
#
# Sourced by scripts that need a database; run by hand to get one for a local try:
#
#   scripts/postgres.sh DIR           # starts one keeping its data in DIR, prints its URL
#
# Functions:
#   pg_install            installs Debian's postgresql when its server binaries are missing
#                         (apt-get update first: a fresh machine's package lists may be empty);
#                         sets PG_BIN
#   pg_start DIR          makes a cluster in DIR and starts it on a free loopback port, with a
#                         database and a password-protected role both named `gatehouse`; sets
#                         PG_URL (postgres://gatehouse:…@127.0.0.1:PORT/gatehouse) and PG_DATA.
#                         Commits are not synced to disk (fsync=off), which tests do not need;
#                         PG_FSYNC=on before pg_start keeps PostgreSQL's durable default, as the
#                         benchmarks do (BENCHMARKS.md)
#   pg_stop               stops the server pg_start started (fast shutdown)

PG_ROLE="${PG_ROLE:-gatehouse}"
PG_PASSWORD="${PG_PASSWORD:-gatehouse-test-only}"
PG_FSYNC="${PG_FSYNC:-off}"

pg_install() {
  PG_BIN="$(pg_find_bin)"
  if [[ -z "$PG_BIN" ]]; then
    echo "installing postgresql (Debian package)"
    local sudo=""
    if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    PG_BIN="$(pg_find_bin)"
  fi
  if [[ -z "$PG_BIN" ]]; then
    echo "postgresql is installed but no initdb was found under /usr/lib/postgresql" >&2
    return 1
  fi
  export PG_BIN
}

# The newest installed server's bin directory, empty when none is.
pg_find_bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [[ -n "$found" && -x "$found/initdb" ]]; then echo "$found"; fi
}

# Runs a command as the unprivileged user the cluster belongs to (ourselves when not root).
pg_as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u "$PG_OWNER" -- "$@"
  else
    "$@"
  fi
}

pg_start() {
  local dir port
  mkdir -p "$1"
  dir="$(cd "$1" && pwd)"
  PG_DATA="$dir/data"
  PG_OWNER="$(id -un)"
  if [[ "$(id -u)" == 0 ]]; then
    # The package's own system user; `nobody` where the package made none.
    PG_OWNER="postgres"
    id "$PG_OWNER" >/dev/null 2>&1 || PG_OWNER="nobody"
    chown "$PG_OWNER" "$dir"
    if ! runuser -u "$PG_OWNER" -- test -w "$dir"; then
      echo "$PG_OWNER cannot reach $dir: every folder above it must be searchable (chmod o+x)" >&2
      return 1
    fi
  fi
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  printf '%s\n' "$PG_PASSWORD" >"$dir/pwfile"
  chmod 600 "$dir/pwfile"
  if [[ "$(id -u)" == 0 ]]; then chown "$PG_OWNER" "$dir/pwfile"; fi
  pg_as_owner "$PG_BIN/initdb" --pgdata="$PG_DATA" --username="$PG_ROLE" \
    --pwfile="$dir/pwfile" --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || {
    echo "initdb failed; its log ($dir/initdb.log):" >&2
    tail -n 40 "$dir/initdb.log" >&2
    return 1
  }
  # Loopback TCP only; the Unix socket in the cluster's own directory, not /var/run.
  pg_as_owner "$PG_BIN/pg_ctl" --pgdata="$PG_DATA" --log="$dir/server.log" --wait \
    --options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=$PG_FSYNC" \
    start >/dev/null || {
    echo "postgres did not start on 127.0.0.1:$port; its log ($dir/server.log):" >&2
    tail -n 40 "$dir/server.log" >&2
    return 1
  }
  PGPASSWORD="$PG_PASSWORD" "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U "$PG_ROLE" \
    -d postgres -c "CREATE DATABASE $PG_ROLE" >/dev/null
  PG_URL="postgres://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$port/$PG_ROLE"
  export PG_URL PG_DATA PG_OWNER
}

pg_stop() {
  if [[ -n "${PG_DATA:-}" && -d "$PG_DATA" ]]; then
    pg_as_owner "$PG_BIN/pg_ctl" --pgdata="$PG_DATA" --mode=fast --wait stop >/dev/null 2>&1 || true
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  if [[ $# -ne 1 ]]; then
    echo "usage: scripts/postgres.sh DIR   (starts a throwaway server keeping its data in DIR)" >&2
    exit 2
  fi
  pg_install
  pg_start "$1"
  echo "PostgreSQL is running: $PG_URL"
  echo "stop it with: $PG_BIN/pg_ctl --pgdata=$PG_DATA stop"
fi
