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

# The storm over CephFS (ceph-fuse vs Shoal FUSE) needs root for the mounts; it starts and stops its
# own test Ceph and Shoal cluster.
if [ "$(id -u)" -eq 0 ] && command -v ceph-mon >/dev/null && [ "${BENCH_STORM:-1}" != 0 ]; then
  storm_json="bench/results/${stamp}-${rev}-storm.json"
  storm_md=$(mktemp)
  bench/storm.sh --json "$storm_json" --markdown "$storm_md"
  {
    echo
    echo "## Storm over CephFS (bench/storm.sh)"
    echo
    echo "16 processes released together each read the same 5,000 files (1-16 KiB) of one CephFS directory,"
    echo "through ceph-fuse (the baseline) and through Shoal's FUSE mount; cold, then warm."
    echo
    cat "$storm_md"
  } >> bench/results/latest.md
  rm -f "$storm_md"
fi
# The Python read paths (bench/python_bench.py): the binding, fsspec, FUSE and the local directory
# under DataLoader, and batched cat_ranges against a loop of cat_file.
if [ "${BENCH_PYTHON:-1}" != 0 ] && /usr/bin/python3 -c 'import torch, fsspec' 2>/dev/null; then
  py_json="bench/results/${stamp}-${rev}-python.json"
  py_md=$(mktemp)
  /usr/bin/python3 bench/python_bench.py --json "$py_json" --markdown "$py_md" --files "${BENCH_PY_FILES:-10000}" 2>/dev/null
  {
    echo
    echo "## Python read paths (bench/python_bench.py)"
    echo
    echo "${BENCH_PY_FILES:-10000} files of 100 KiB, cached, read by DataLoader(num_workers=4, batch_size=64); the"
    echo "local directory (in the page cache) is the ceiling. Then 1,000 random 64 KiB ranges of a cached 1 GiB"
    echo "file: one cat_ranges against a loop of cat_file, with short-circuit (local client) and without (remote)."
    echo
    cat "$py_md"
  } >> bench/results/latest.md
  rm -f "$py_md"
fi
# The S3 gateway beside radosgw (bench/s3_bench.py): starts its own test Ceph and Shoal cluster.
if [ "${BENCH_S3:-1}" != 0 ] && command -v ceph-mon >/dev/null && /usr/bin/python3 -c 'import boto3' 2>/dev/null; then
  s3_json="bench/results/${stamp}-${rev}-s3.json"
  s3_md=$(mktemp)
  /usr/bin/python3 bench/s3_bench.py --json "$s3_json" --markdown "$s3_md" 2>/dev/null
  {
    echo
    echo "## S3 gateway beside radosgw (bench/s3_bench.py)"
    echo
    echo "boto3 against \`shoal proxy\` over a radosgw bucket mounted as s3:// and against radosgw itself, in one"
    echo "run: 500 objects of 4 KiB (8 threads), 50 of 1 MiB and 3 of 64 MiB (one stream). GET cold: the"
    echo "workers' pages freed first, so the bytes come from radosgw through a worker. The ratio is gateway/radosgw."
    echo
    cat "$s3_md"
  } >> bench/results/latest.md
  rm -f "$s3_md"
fi
echo
echo "Wrote $json and bench/results/latest.md"
