#!/usr/bin/env bash
# Runs the naive simple-salesforce peer (naive_peer.py) in its own virtualenv under
# $HOME/.cache/gatehouse/venv (the one scripts/interop.sh uses), made on first use with the
# interop check's pinned simple-salesforce. Arguments go to naive_peer.py.
set -euo pipefail
venv="${GATEHOUSE_PEER_VENV:-$HOME/.cache/gatehouse/venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import simple_salesforce' 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet -r "$(dirname "$0")/../../tests/interop/requirements.txt" >&2
fi
exec "$venv/bin/python" "$(dirname "$0")/naive_peer.py" "$@"
