#!/usr/bin/env bash
# `make bench`: runs the shoal-bench suite once, writes bench/results/<date>-<rev>.json and
# bench/results/latest.md (every figure beside its baseline from the same run, with the ratio).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-build/bin/shoal-bench}
THREADS=${BENCH_THREADS:-32}
DURATION=${BENCH_DURATION:-5}
FILES=${BENCH_FILES:-1000000}
FILE_SIZE=${BENCH_FILE_SIZE:-1073741824}
mkdir -p bench/results
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
stamp=$(date -u +%Y%m%d-%H%M%S)
json="bench/results/${stamp}-${rev}.json"
md_tmp=$(mktemp)
"$BENCH" --threads "$THREADS" --duration "$DURATION" --json "$json" --markdown "$md_tmp" suite --files "$FILES" --file-size "$FILE_SIZE"
{
  echo "# Latest benchmark run"
  echo
  echo "Revision \`$rev\`, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r)."
  echo "Command: \`make bench\` (shoal-bench --threads $THREADS --duration $DURATION suite --files $FILES --file-size $FILE_SIZE)."
  echo "Ratios compare each figure with its baseline measured in the same invocation."
  echo
  cat "$md_tmp"
} > bench/results/latest.md
rm -f "$md_tmp"
echo
echo "Wrote $json and bench/results/latest.md"
