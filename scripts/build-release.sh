#!/usr/bin/env bash
# Builds the binaries the container image ships, gatehouse and sfsim, with the one command line
# the image is built with: docker/Dockerfile runs this script, and scripts/check-deploy.sh runs
# it too (with the dev profile, which the tests have already built) to prove the command works
# and puts the binaries where the Dockerfile copies them from.
#
#   scripts/build-release.sh                 # release profile
#   scripts/build-release.sh --profile dev   # any cargo profile
#
# Prints the folder that holds the binaries.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
if [[ "${1:-}" == "--profile" && -n "${2:-}" ]]; then
  profile=$2
fi
target_dir="${CARGO_TARGET_DIR:-target}"

# --locked: the image gets exactly the dependencies the tests ran with.
cargo build --locked --profile "$profile" -p gatehouse -p sfsim --bin gatehouse --bin sfsim >&2

case "$profile" in
  dev) folder=debug ;;
  *) folder=$profile ;;
esac
echo "$target_dir/$folder"
