#!/usr/bin/env bash
# Checks the dependency tree with cargo-deny: known advisories, licences, banned crates and where
# crates come from, as `deny.toml` sets out. These machines cannot fetch the RustSec database, so
# it is read offline from a snapshot (`advisory-db.tar.gz` and its `SNAPSHOT.md`), made into the
# git repository cargo-deny expects, dated as the snapshot was committed.
#
#   scripts/deny.sh                       # every check
#   ADVISORY_DB_SNAPSHOT=DIR scripts/deny.sh   # where the snapshot is (default: ../shared/advisory-db)
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${TOOLS_CACHE:-$HOME/.cache/gatehouse}"
deny_version="0.20.2"
tools="$cache/tools"
deny="$tools/bin/cargo-deny"

if [[ ! -x "$deny" ]] || ! "$deny" --version | grep -q " $deny_version"; then
  echo "installing cargo-deny $deny_version into $tools (once)"
  cargo install --locked --quiet "cargo-deny@$deny_version" --root "$tools"
fi

# cargo-deny keeps each database in <db-path>/advisory-db-<hash of its URL>; this hash is the
# default RustSec URL's, which deny.toml names.
export DENY_ADVISORY_DBS="$cache/advisory-dbs"
db="$DENY_ADVISORY_DBS/advisory-db-3157b0e258782691"

snapshot=""
for candidate in "${ADVISORY_DB_SNAPSHOT:-}" ../shared/advisory-db /work/shared/advisory-db; do
  if [[ -n "$candidate" && -f "$candidate/advisory-db.tar.gz" && -f "$candidate/SNAPSHOT.md" ]]; then
    snapshot="$candidate"
    break
  fi
done

checks=(advisories bans licenses sources)
if [[ -z "$snapshot" ]]; then
  echo "WARNING: no RustSec snapshot found (set ADVISORY_DB_SNAPSHOT to the folder holding" >&2
  echo "advisory-db.tar.gz and SNAPSHOT.md): advisories are NOT checked, the rest is." >&2
  checks=(bans licenses sources)
else
  commit="$(grep -oE 'commit [0-9a-f]{40}' "$snapshot/SNAPSHOT.md" | awk '{print $2}')"
  date="$(grep -oE 'committed [0-9T:+-]{25}' "$snapshot/SNAPSHOT.md" | awk '{print $2}')"
  if [[ -z "$commit" || -z "$date" ]]; then
    echo "cannot read the snapshot's commit and date from $snapshot/SNAPSHOT.md" >&2
    exit 1
  fi
  echo "RustSec advisory database: snapshot of commit $commit, committed $date"
  if [[ "$(cat "$db.commit" 2>/dev/null)" != "$commit" || ! -d "$db/.git" ]]; then
    rm -rf "$db"
    unpack="$(mktemp -d)"
    tar -xzf "$snapshot/advisory-db.tar.gz" -C "$unpack"
    mkdir -p "$DENY_ADVISORY_DBS"
    mv "$unpack/advisory-db" "$db"
    rmdir "$unpack"
    (
      cd "$db"
      git init -q
      git add -A
      GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
        git -c user.name=snapshot -c user.email=snapshot@localhost commit -qm "RustSec snapshot $commit"
    )
    echo "$commit" > "$db.commit"
  fi
fi

# cargo metadata wants every platform's crates in the local registry, fetched once.
cargo fetch --locked --quiet
"$deny" --offline --locked --workspace check "${checks[@]}"
