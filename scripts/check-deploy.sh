#!/usr/bin/env bash
# Checks the container image definition, the local stack and the Kubernetes manifests offline:
# the Dockerfile builds with scripts/build-release.sh (run here with the dev profile), the
# compose file's services, ports, mounts and health checks refer to what exists, the configs
# they ship pass `gatehouse check-config`, and every rendered overlay validates against the
# Kubernetes schemas (kubernetes-validate, which bundles them; `kubectl kustomize` renders).
#
#   scripts/check-deploy.sh
#
# Ends with a line `N passed, M failed`; exits non-zero when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gatehouse/target}"
cache="${INTEROP_CACHE:-$HOME/.cache/gatehouse}"

if ! command -v kubectl >/dev/null 2>&1; then
  echo "check-deploy: kubectl (for 'kubectl kustomize') is required" >&2
  exit 1
fi

# The same venv as scripts/interop.sh, brought to this check's pins only when they changed.
venv="$cache/venv"
requirements=tests/deploy/requirements.txt
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
if ! cmp -s "$requirements" "$venv/deploy-requirements.txt"; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/deploy-requirements.txt"
fi

# The image's build command, with the profile the tests already built.
bin_dir=$(scripts/build-release.sh --profile dev)

exec "$venv/bin/python" tests/deploy/check_deploy.py --bin-dir "$bin_dir"
