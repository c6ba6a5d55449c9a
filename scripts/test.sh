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

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "benchmarks compile (they are run by hand: see BENCHMARKS.md)"
cargo bench --workspace --locked --no-run

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
