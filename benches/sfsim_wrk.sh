#!/usr/bin/env bash
# sfsim's simple REST throughput measured from another process: wrk (Debian's package) loads a
# bare actix-web endpoint and sfsim's GET /sobjects/Account/{id} in turn, both served by the
# sfsim_load benchmark in --serve mode, and the ratio is taken within the run.
#
#   benches/sfsim_wrk.sh [SECONDS] [CONNECTIONS]     # defaults: 10 s, 64 connections
#
# The servers run in one process (2 worker threads each), wrk in another with one thread.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
connections="${2:-64}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

cargo bench --bench sfsim_load --no-run >/dev/null 2>&1
coproc SERVE { exec cargo bench --bench sfsim_load -- --serve 2>/dev/null; }
read -r _ bare_url <&"${SERVE[0]}"
read -r _ sim_url token <&"${SERVE[0]}"

rate() { # URL [HEADER] -> requests per second, p50 and p99 in ms
  local out
  out=$(wrk -t1 -c"$connections" -d"${seconds}s" --latency ${2:+-H "$2"} "$1")
  awk '/Requests\/sec/ {r=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
       END {printf "%s %s %s\n", r, p50, p99}' <<<"$out"
}

echo "| run | target | req/s | vs bare | p50 | p99 |"
echo "|---|---|---:|---:|---:|---:|"
for run in 1 2; do
  read -r bare bare50 bare99 < <(rate "$bare_url")
  read -r sim sim50 sim99 < <(rate "$sim_url" "Authorization: Bearer $token")
  echo "| $run | bare actix-web endpoint | $bare | 1.00 | $bare50 | $bare99 |"
  ratio=$(awk -v a="$sim" -v b="$bare" 'BEGIN {printf "%.2f", a / b}')
  echo "| $run | sfsim GET /sobjects/Account/{id} | $sim | $ratio | $sim50 | $sim99 |"
done
exec {SERVE[1]}>&-
wait "$SERVE_PID" 2>/dev/null || true
