#!/usr/bin/env bash
# The Kafka-compatible broker the Kafka tests and benchmarks run against: tansu, built once from
# the Rust crate registry and cached outside the checkout.
#
# Sourced by scripts/test.sh; run by hand to get a broker for the benchmarks or a local try:
#
#   scripts/tansu.sh                  # builds if needed, starts one on a free port, prints it
#
# Functions:
#   tansu_install          builds tansu (about 9 minutes on 2 cores) unless cached; sets TANSU
#   tansu_start DIR        starts a broker keeping its data in DIR (SQLite storage, so records
#                          and committed offsets survive a restart); sets TANSU_ADDR, TANSU_PID
#   tansu_topic NAME [P]   creates topic NAME with P partitions (default 3) on TANSU_ADDR
#   tansu_stop             stops the broker tansu_start started

TANSU_VERSION="${TANSU_VERSION:-0.6.0}"
TANSU_ROOT="${TANSU_ROOT:-$HOME/.cache/gatehouse/tansu/$TANSU_VERSION}"

tansu_install() {
  TANSU="$TANSU_ROOT/bin/tansu"
  if [[ ! -x "$TANSU" ]]; then
    echo "building tansu $TANSU_VERSION into $TANSU_ROOT (once; about 9 minutes on 2 cores)"
    # Its own target dir: the project's cargo cache stays the project's.
    CARGO_TARGET_DIR="$TANSU_ROOT/build" cargo install tansu --locked \
      --version "$TANSU_VERSION" --features dynostore,libsql --root "$TANSU_ROOT"
    rm -rf "$TANSU_ROOT/build"
  fi
  export TANSU
}

# A loopback port nobody listens on now.
tansu_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

tansu_start() {
  local dir="$1" port
  mkdir -p "$dir"
  port="$(tansu_free_port)"
  TANSU_ADDR="127.0.0.1:$port"
  # From /: tansu 0.6.0 reads the path of sqlite:///abs/path relative to its working directory.
  (cd / && exec "$TANSU" broker \
    --listener-url "tcp://$TANSU_ADDR" \
    --advertised-listener-url "tcp://$TANSU_ADDR" \
    --storage-engine "sqlite://$dir/tansu.db") \
    >"$dir/broker.log" 2>&1 &
  TANSU_PID=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      export TANSU_ADDR TANSU_PID
      return 0
    fi
    if ! kill -0 "$TANSU_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "tansu did not start on $TANSU_ADDR; its log ($dir/broker.log):" >&2
  tail -n 40 "$dir/broker.log" >&2 || true
  return 1
}

tansu_topic() {
  "$TANSU" topic create --broker "tcp://$TANSU_ADDR" --partitions "${2:-3}" "$1" >/dev/null
}

tansu_stop() {
  if [[ -n "${TANSU_PID:-}" ]]; then
    kill "$TANSU_PID" 2>/dev/null || true
    wait "$TANSU_PID" 2>/dev/null || true
    TANSU_PID=""
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  tansu_install
  dir="$(mktemp -d)"
  tansu_start "$dir"
  echo "tansu $TANSU_VERSION listening on $TANSU_ADDR (data in $dir); Ctrl-C stops it"
  trap tansu_stop INT TERM
  wait "$TANSU_PID"
fi
