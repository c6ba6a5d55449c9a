#!/usr/bin/env bash
# Runs the naive simple-salesforce peer (naive_peer.py) in the Python venv scripts/interop.sh
# uses ($HOME/.cache/gatehouse/venv), brought to tests/interop/requirements.txt the same way:
# only when the pins changed. Arguments go to naive_peer.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${INTEROP_CACHE:-$HOME/.cache/gatehouse}/venv"
requirements="$here/../../tests/interop/requirements.txt"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv" >&2
fi
if ! cmp -s "$requirements" "$venv/gatehouse-requirements.txt"; then
    # pip must trust the registry, not the CA a caller set for the simulated org.
    env -u REQUESTS_CA_BUNDLE "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$venv/gatehouse-requirements.txt"
fi
exec "$venv/bin/python" "$here/naive_peer.py" "$@"
