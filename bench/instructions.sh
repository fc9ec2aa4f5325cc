#!/usr/bin/env bash
# Instructions per request (bench/instructions.py under callgrind), the same on a busy
# machine as on an idle one. Takes bench/instructions.py's arguments; needs the environment
# bench/run.sh exports and a seeded database (BENCH_OUT). About a minute a figure.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=$(valgrind --tool=callgrind --collect-atstart=no --toggle-collect=starmap_next \
  --callgrind-out-file="$out/cg" .venv/bin/python bench/instructions.py "$@" 2>"$out/log") ||
  { tail -20 "$out/log" >&2; exit 1; }
total=$(awk '/^totals:/ {print $2}' "$out/cg")
echo "$*: $((total / n)) instructions per request ($n requests)"
