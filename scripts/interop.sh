#!/usr/bin/env bash
# Interoperability checks with other ecosystems' libraries, run against the real binary:
# webhooks signed by the official Standard Webhooks Python library must verify against
# `gatehouse serve --config examples/quickstart.toml`.
#
#   scripts/interop.sh             # builds the binary if needed
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gatehouse/target}"
cache="${GATEHOUSE_CACHE:-$HOME/.cache/gatehouse}"

cargo build --locked --bin gatehouse
bin="$CARGO_TARGET_DIR/debug/gatehouse"

venv="$cache/venv"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check 'standardwebhooks==1.1.0'

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
GATEHOUSE_STORE__PATH="$work/interop.db" GATEHOUSE_LOG__FORMAT=json \
  "$bin" serve --config examples/quickstart.toml --listen "127.0.0.1:$port" 2>"$work/serve.log" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for _ in $(seq 1 200); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/readyz', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "gatehouse serve exited early:"; cat "$work/serve.log"; exit 1
  fi
  sleep 0.1
done

status=0
"$venv/bin/python" tests/interop/standard_webhooks_sender.py "http://127.0.0.1:$port" examples/quickstart.toml || status=$?

kill -TERM "$pid"
if ! wait "$pid"; then
  echo "gatehouse serve did not exit 0 on SIGTERM:"; cat "$work/serve.log"; exit 1
fi
exit "$status"
