#!/usr/bin/env bash
# The job-start storm over CephFS, in one run: P processes each read the same tree of small files
# (a) through ceph-fuse and (b) through Shoal's FUSE mount over the same CephFS, cold then warm,
# with the MDS's request count per pass. Starts its own test Ceph and Shoal cluster and stops both.
#
#   bench/storm.sh [--json FILE] [--markdown FILE]
#   STORM_FILES (5000), STORM_PROCESSES (16), TEST_CEPH_DIR (/tmp/shoal-storm-ceph)
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${STORM_FILES:-5000}
PROCS=${STORM_PROCESSES:-16}
BIN=${BIN:-build/bin}
export TEST_CEPH_DIR=${TEST_CEPH_DIR:-/tmp/shoal-storm-ceph}
work=$(mktemp -d /tmp/shoal-storm.XXXXXX)

cleanup() {
  fusermount3 -u "$work/shoal" 2>/dev/null || true
  fusermount3 -u "$work/cephfuse" 2>/dev/null || true
  "$BIN/shoal" local down --dir "$work/cluster" >/dev/null 2>&1 || true
  scripts/test-ceph.sh destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

scripts/test-ceph.sh start
eval "$(scripts/test-ceph.sh env)"
mkdir -p "$work/cephfuse" "$work/shoal"
ceph-fuse -c "$CEPH_CONF" "$work/cephfuse" >/dev/null
echo "storm: writing $FILES files into CephFS through ceph-fuse"
/usr/bin/python3 - "$work/cephfuse/games/tree" "$FILES" <<'EOF'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(5)
for i in range(n):
    d = os.path.join(root, f"d{i % 50}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i}.bin"), "wb") as f:
        f.write(rng.randbytes(1024 + rng.randrange(15 * 1024)))
EOF
# A fresh ceph-fuse: its client cache is cold, as a pod's at job start.
fusermount3 -u "$work/cephfuse"
ceph-fuse -c "$CEPH_CONF" "$work/cephfuse" >/dev/null

"$BIN/shoal" local up --dir "$work/cluster" >/dev/null
"$BIN/shoal" fs mount /games cephfs:///games --option "ceph.conf=$CEPH_CONF" >/dev/null
"$BIN/shoal" fuse mount "$work/shoal" >/dev/null

"$BIN/shoal-bench" "$@" storm --processes "$PROCS" --baseline ceph-fuse \
  --path "ceph-fuse=$work/cephfuse/games/tree" --path "shoal=$work/shoal/games/tree" \
  --mds-asok "$TEST_CEPH_MDS_ASOK"
