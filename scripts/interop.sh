#!/usr/bin/env bash
# Interoperability checks with other ecosystems' libraries, run against the real binaries:
# - webhooks signed by the official Standard Webhooks Python library must verify against
#   `gatehouse serve --config examples/quickstart.toml`, and the outcome webhooks that serve
#   delivers to an `[[outcomes.webhooks]]` subscriber must verify with the same library;
# - the mainstream Salesforce clients simple-salesforce (Python) and jsforce (Node) must work
#   unchanged against `sfsim --tls`, with a token from sfsim's own token endpoint;
# - outcome events must read as valid CloudEvents (Kafka binding, binary mode) with the
#   CloudEvents SDK and a Kafka client of other ecosystems: Python's `cloudevents` with
#   `confluent-kafka`, and JavaScript's `cloudevents` with `kafkajs`, reading the broker at
#   $GATEHOUSE_TEST_KAFKA (scripts/test.sh starts one and exports it; by hand: scripts/tansu.sh).
#
#   scripts/interop.sh             # builds the binaries if needed
#
# Needs python3 (3.11+) and Node 20+. Libraries are pinned (tests/interop/requirements.txt,
# tests/interop/sfsim_clients/package-lock.json, tests/interop/outcome_events/package-lock.json)
# and installed outside the checkout, under
# $INTEROP_CACHE (default ~/.cache/gatehouse): a Python venv, and one npm install per
# lockfile, so a warm machine installs nothing. (Not GATEHOUSE_…: every GATEHOUSE_ variable is
# configuration to the service, which refuses names it does not know.)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gatehouse/target}"
cache="${INTEROP_CACHE:-$HOME/.cache/gatehouse}"
clients=tests/interop/sfsim_clients
# The checks talk to servers on 127.0.0.1 only; a proxy from the environment must not intercept.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"

say() { printf '\n==> interop: %s\n' "$*"; }

if ! node_version=$(node --version 2>/dev/null) || [[ ! "$node_version" =~ ^v([0-9]+)\. ]] \
  || (( BASH_REMATCH[1] < 20 )); then
  echo "interop: Node 20 or newer is required for the jsforce and kafkajs checks (found: ${node_version:-none})" >&2
  exit 1
fi

# The outcome-event checks need a Kafka-compatible broker; without one they would not run at all.
kafka_brokers="${GATEHOUSE_TEST_KAFKA:-}"
if [[ -z "$kafka_brokers" ]]; then
  echo "interop: GATEHOUSE_TEST_KAFKA is not set: the outcome-event checks need a broker (host:port)." >&2
  echo "interop: run scripts/test.sh, which starts one, or start scripts/tansu.sh and export its address." >&2
  exit 1
fi

cargo build --locked --bin gatehouse
cargo build --locked -p sfsim --bin sfsim
gatehouse_bin="$CARGO_TARGET_DIR/debug/gatehouse"
sfsim_bin="$CARGO_TARGET_DIR/debug/sfsim"

# Python: one venv, brought to the pinned set only when the pins changed.
venv="$cache/venv"
requirements=tests/interop/requirements.txt
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if ! cmp -s "$requirements" "$venv/gatehouse-requirements.txt"; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/gatehouse-requirements.txt"
fi

# Node: an install per lockfile, made aside and moved into place whole, so an interrupted or
# concurrent install never leaves a half-filled folder behind. Sets node_dir.
npm_install() {
  local folder=$1 name=$2 lock_hash installed staging
  lock_hash=$(sha256sum "$folder/package-lock.json" | cut -c1-16)
  node_dir="$cache/npm/$name-$lock_hash"
  installed="$node_dir/node_modules/.package-lock.json"
  if [[ ! -f "$installed" ]]; then
    mkdir -p "$cache/npm"
    staging=$(mktemp -d "$cache/npm/.staging.XXXXXX")
    cp "$folder/package.json" "$folder/package-lock.json" "$staging/"
    if ! (cd "$staging" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
      rm -rf "$staging"
      echo "interop: npm ci of $folder/package-lock.json failed" >&2
      exit 1
    fi
    if [[ -f "$installed" ]]; then
      rm -rf "$staging" # another run finished the same install first
    else
      rm -rf "$node_dir" # an incomplete folder left by hand
      mv -T "$staging" "$node_dir"
    fi
  fi
}
outcome_clients=tests/interop/outcome_events
npm_install "$outcome_clients" outcome-events
outcome_node_dir=$node_dir
npm_install "$clients" sfsim-clients
sfsim_node_dir=$node_dir

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Waits until a server's log shows `pattern`; fails if the server exits first.
wait_for_log() {
  local pid=$1 log=$2 pattern=$3 name=$4
  for _ in $(seq 1 300); do
    if grep -q "$pattern" "$log" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited early:"; cat "$log"; exit 1
    fi
    sleep 0.1
  done
  echo "$name did not start in time:"; cat "$log"; exit 1
}

# Stops a server with SIGTERM; it must exit 0.
stop() {
  local pid=$1 log=$2 name=$3
  kill -TERM "$pid"
  if ! wait "$pid"; then
    echo "$name did not exit 0 on SIGTERM:"; cat "$log"; return 1
  fi
}

failed=()

# `env` arguments that drop the caller's variables starting with $1: both binaries read
# settings from their own prefix (GATEHOUSE_…, SFSIM_…), and the checks need them as shipped.
env_without() {
  local name
  env_args=()
  while IFS= read -r name; do env_args+=(-u "$name"); done < <(compgen -e | grep "^$1" || true)
}
env_without GATEHOUSE_
without_gatehouse_settings=("${env_args[@]}")
env_without SFSIM_
without_sfsim_settings=("${env_args[@]}")

say "Standard Webhooks (Python) -> gatehouse serve -> Standard Webhooks (Python)"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
receiver_port=$(free_port)
receiver_secret="whsec_$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"
"$venv/bin/python" tests/interop/standard_webhooks_receiver.py "$receiver_port" "$receiver_secret" \
  "$work/received.jsonl" &
pids+=("$!")
# The quick start as a partner-facing deployment extends it: one outcome webhook subscriber.
webhooks_config="$work/quickstart-webhooks.toml"
cat examples/quickstart.toml - >"$webhooks_config" <<TOML

[[outcomes.webhooks]]
name = "interop"
url = "http://127.0.0.1:$receiver_port/hooks"
secret = "$receiver_secret"
TOML
port=$(free_port)
env "${without_gatehouse_settings[@]}" GATEHOUSE_STORE__PATH="$work/interop.db" GATEHOUSE_LOG__FORMAT=json \
  "$gatehouse_bin" serve --config "$webhooks_config" --listen "127.0.0.1:$port" 2>"$work/serve.log" &
gatehouse_pid=$!
pids+=("$gatehouse_pid")
for _ in $(seq 1 200); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/readyz', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$gatehouse_pid" 2>/dev/null; then
    echo "gatehouse serve exited early:"; cat "$work/serve.log"; exit 1
  fi
  sleep 0.1
done
"$venv/bin/python" tests/interop/standard_webhooks_sender.py "http://127.0.0.1:$port" examples/quickstart.toml \
  || failed+=("standard-webhooks")
"$venv/bin/python" tests/interop/check_outcome_webhooks.py "http://127.0.0.1:$port" \
  quickstart-admin-token-do-not-deploy "$work/received.jsonl" interop || failed+=("outcome-webhooks")
stop "$gatehouse_pid" "$work/serve.log" "gatehouse serve" || failed+=("gatehouse shutdown")

say "CloudEvents SDK + confluent-kafka (Python) <- gatehouse serve with [kafka.outcomes] on $kafka_brokers"
outcome_topic="gatehouse.interop.outcomes.$$.$RANDOM"
outcome_user="u-interop-$$-$RANDOM"
kafka_config="$work/kafka-outcomes.toml"
# The quick start as a new user extends it: outcome events to a topic of the broker.
cat examples/quickstart.toml - >"$kafka_config" <<TOML

[kafka]
brokers = "$kafka_brokers"

[kafka.outcomes]
topic = "$outcome_topic"
ce_source = "urn:gatehouse:interop"
TOML
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
env "${without_gatehouse_settings[@]}" GATEHOUSE_STORE__PATH="$work/interop-kafka.db" GATEHOUSE_LOG__FORMAT=json \
  "$gatehouse_bin" serve --config "$kafka_config" --listen "127.0.0.1:$port" 2>"$work/serve-kafka.log" &
gatehouse_pid=$!
pids+=("$gatehouse_pid")
for _ in $(seq 1 200); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/readyz', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$gatehouse_pid" 2>/dev/null; then
    echo "gatehouse serve exited early:"; cat "$work/serve-kafka.log"; exit 1
  fi
  sleep 0.1
done
"$venv/bin/python" tests/interop/outcome_events/cloudevents_consumer.py "http://127.0.0.1:$port" \
  "$kafka_config" "$kafka_brokers" "$outcome_topic" "$outcome_user" || failed+=("cloudevents-python")

say "CloudEvents SDK + kafkajs (Node $node_version) <- the same outcome topic"
mkdir "$work/outcome-events"
ln -s "$outcome_node_dir/node_modules" "$work/outcome-events/node_modules"
cp "$outcome_clients/cloudevents_consumer.mjs" "$work/outcome-events/"
node "$work/outcome-events/cloudevents_consumer.mjs" "$kafka_brokers" "$outcome_topic" \
  "partner-portal:$outcome_user" "urn:gatehouse:interop" || failed+=("cloudevents-javascript")
stop "$gatehouse_pid" "$work/serve-kafka.log" "gatehouse serve (Kafka)" || failed+=("gatehouse shutdown (Kafka)")

# sfsim on a free port, with a test CA of its own made for this run.
env "${without_sfsim_settings[@]}" "$sfsim_bin" --port 0 --tls --tls-dir "$work/tls" >"$work/sfsim.log" 2>&1 &
sfsim_pid=$!
pids+=("$sfsim_pid")
wait_for_log "$sfsim_pid" "$work/sfsim.log" 'instance URL: https://' sfsim
sfsim_url=$(sed -n 's/^ *instance URL: *\(https:[^ ]*\).*/\1/p' "$work/sfsim.log")
ca="$work/tls/ca.pem"

say "simple-salesforce (Python) -> sfsim at $sfsim_url"
REQUESTS_CA_BUNDLE="$ca" "$venv/bin/python" "$clients/simple_salesforce_check.py" "$sfsim_url" \
  || failed+=("simple-salesforce")

say "jsforce (Node $node_version) -> sfsim at $sfsim_url"
# The check runs from a copy beside the cached install, which is where Node resolves imports.
mkdir "$work/jsforce"
ln -s "$sfsim_node_dir/node_modules" "$work/jsforce/node_modules"
cp "$clients/jsforce_check.mjs" "$work/jsforce/"
NODE_EXTRA_CA_CERTS="$ca" node "$work/jsforce/jsforce_check.mjs" "$sfsim_url" || failed+=("jsforce")

stop "$sfsim_pid" "$work/sfsim.log" sfsim || failed+=("sfsim shutdown")

# One closing line in the form test runners use: the five client checks and the three clean
# shutdowns, passed and failed.
suites=8
if (( ${#failed[@]} )); then
  printf '\ninterop failures: %s\n' "${failed[*]}" >&2
  printf 'interop: %d passed, %d failed\n' $((suites - ${#failed[@]})) "${#failed[@]}"
  exit 1
fi
printf '\ninterop: %d passed, 0 failed\n' "$suites"
