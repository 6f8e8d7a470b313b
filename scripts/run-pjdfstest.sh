#!/usr/bin/env bash
# Runs the public POSIX suite pjdfstest (github.com/pjd/pjdfstest) on a Shoal FUSE mount over a
# local directory, as root, and prints prove's summary. The suite is not part of Shoal: clone it
# anywhere outside this repository and pass its directory.
#   scripts/run-pjdfstest.sh /path/to/pjdfstest [shoal binary]
# PJDFSTEST_STORE=URI runs it over that store instead, mounted at /store, with PJDFSTEST_OPTION
# (one k=v mount option), e.g. the test Ceph's CephFS:
#   PJDFSTEST_STORE=cephfs:///pjdfstest PJDFSTEST_OPTION=ceph.conf=$CEPH_CONF scripts/run-pjdfstest.sh DIR
set -euo pipefail
src=${1:?usage: $0 PJDFSTEST_DIR [SHOAL_BINARY]}
shoal=${2:-$(dirname "$0")/../build/bin/shoal}
[ "$(id -u)" = 0 ] || { echo "pjdfstest switches users: run it as root" >&2; exit 1; }
work=$(mktemp -d /tmp/shoal-pjdfstest-XXXXXX)
# A copy of the binary: a rebuild during the run must not take the one that stops the daemons.
cp "$shoal" "$work/shoal" && shoal="$work/shoal"
# pjdfstest.c needs only a config.h naming what Linux has (the suite's autoconf is not needed).
cat > "$work/config.h" <<'H'
#define _GNU_SOURCE 1
#define HAVE_FCHMODAT 1
#define HAVE_FCHOWNAT 1
#define HAVE_FSTATAT 1
#define HAVE_LINKAT 1
#define HAVE_MKDIRAT 1
#define HAVE_MKFIFOAT 1
#define HAVE_MKNODAT 1
#define HAVE_OPENAT 1
#define HAVE_POSIX_FALLOCATE 1
#define HAVE_RENAMEAT 1
#define HAVE_SYMLINKAT 1
#define HAVE_UNLINKAT 1
#define HAVE_UTIMENSAT 1
#define HAVE_STRUCT_STAT_ST_ATIM 1
#define HAVE_STRUCT_STAT_ST_CTIM 1
#define HAVE_STRUCT_STAT_ST_MTIM 1
#define HAVE_SYS_SYSMACROS_H 1
H
mkdir -p "$work/suite" "$work/mnt"
cp -r "$src/tests" "$work/suite/"
gcc -O2 -I "$work" -include "$work/config.h" -o "$work/suite/pjdfstest" "$src/pjdfstest.c"
cleanup() {
  cd /
  "$shoal" fuse unmount "$work/mnt" >/dev/null 2>&1 || true
  "$shoal" local down --dir "$work/local" >/dev/null 2>&1 || true
}
trap cleanup EXIT
"$shoal" local up --dir "$work/local"
# No kernel or client caching, so every check sees the master's answer.
"$shoal" fuse mount "$work/mnt" -o allow_other -Dshoal.fuse.entry.timeout=0s -Dshoal.fuse.attr.timeout=0s \
  -Dshoal.user.metadata.cache.expiration=0s
top="$work/mnt"
if [ -n "${PJDFSTEST_STORE:-}" ]; then
  "$shoal" fs mount /store "$PJDFSTEST_STORE" ${PJDFSTEST_OPTION:+--option "$PJDFSTEST_OPTION"}
  top="$work/mnt/store"
fi
mkdir "$top/pjdfstest" && cd "$top/pjdfstest"
prove -r "$work/suite/tests" > "$work/prove.txt" 2>&1 || true
grep -E "^Files=" "$work/prove.txt" || true
# prove counts failed subtests per file ("Failed 3/17 subtests"); the total is the figure.
awk '/^Files=/ { split($2, t, "="); total = t[2] + 0; sub(/,/, "", total) }
     /^Failed [0-9]+\/[0-9]+ subtests/ { split($2, f, "/"); failed += f[1] }
     END { if (total) printf "subtests passed: %d of %d (%.1f%%)\n", total - failed, total, 100 * (total - failed) / total }' \
  FS='[ ,]+' "$work/prove.txt"
echo "full output: $work/prove.txt"
