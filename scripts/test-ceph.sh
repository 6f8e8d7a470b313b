#!/usr/bin/env bash
# A real single-node Ceph for Shoal's tests and benchmarks: one mon, one osd (memstore), one mds
# (a CephFS named "cephfs") and radosgw (S3, one user), every daemon on 127.0.0.1, no mgr.
#
#   scripts/test-ceph.sh start    create the cluster in $TEST_CEPH_DIR (or restart the one there)
#   scripts/test-ceph.sh stop     stop the daemons this script started (by saved PID), keeping data
#   scripts/test-ceph.sh status   exit 0 when every daemon runs
#   scripts/test-ceph.sh env      export lines: CEPH_CONF, S3_ENDPOINT, AWS_* and the admin sockets
#   scripts/test-ceph.sh destroy  stop, then delete $TEST_CEPH_DIR
#
# Environment: TEST_CEPH_DIR (default /tmp/shoal-test-ceph), TEST_CEPH_MON_PORT (13300; v1 uses
# the next port), TEST_CEPH_RGW_PORT (17480). The steps and their pitfalls are in
# docs/operations.md ("The test Ceph").
set -euo pipefail

DIR=${TEST_CEPH_DIR:-/tmp/shoal-test-ceph}
MON_PORT=${TEST_CEPH_MON_PORT:-13300}
MON_PORT_V1=$((MON_PORT + 1))
RGW_PORT=${TEST_CEPH_RGW_PORT:-17480}
ACCESS_KEY=shoaltestaccess
SECRET_KEY=shoaltestsecret0123456789
CONF=$DIR/ceph.conf
DAEMONS=(mon.a osd.0 mds.a client.rgw)

log() { echo "test-ceph: $*" >&2; }
die() { log "$*"; exit 1; }

# Runs a ceph tool against our conf only: without `mon host` ceph does DNS SRV lookups off the box.
cephcli() { timeout 30 ceph -c "$CONF" "$@"; }

pidfile() { echo "$DIR/pids/$1.pid"; }

# A PID is ours and alive when it exists, is not a zombie (kill -0 succeeds on zombies) and still
# runs the daemon we started (PIDs get reused).
alive() {
  local f pid state
  f=$(pidfile "$1")
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -r "/proc/$pid/stat" ] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
  [ "$state" != Z ] || return 1
  grep -q -- "$DIR" "/proc/$pid/cmdline" 2>/dev/null
}

port_busy() { ss -Hltn "sport = :$1" | grep -q .; }

# Waits up to $1 seconds for the command in the remaining arguments to succeed.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "timed out waiting for $what (logs in $DIR/log)"
    sleep 0.2
  done
}

launch() {
  local name=$1
  shift
  alive "$name" && return 0
  "$@" -c "$CONF" -f >>"$DIR/log/$name.out" 2>&1 &
  echo $! >"$(pidfile "$name")"
}

write_conf() {
  local fsid=$1
  cat >"$CONF" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$MON_PORT,v1:127.0.0.1:$MON_PORT_V1]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
keyring = $DIR/keyring
run dir = $DIR/run
log file = $DIR/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
paxos propose interval = 0.1
mon mgr mkfs grace = 31536000
mon warn on insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
mon warn on pool no redundancy = false
[mon]
admin socket = $DIR/run/\$name.asok
mon data = $DIR/mon
[osd]
admin socket = $DIR/run/\$name.asok
osd data = $DIR/osd
osd objectstore = memstore
memstore device bytes = 17179869184
osd fast shutdown = false
[mds]
admin socket = $DIR/run/\$name.asok
mds data = $DIR/mds
mds beacon interval = 1
mds ping interval = 1
[client.rgw]
admin socket = $DIR/run/\$name.asok
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
rgw data = $DIR/rgw
rgw dns name = 127.0.0.1
EOF
}

create() {
  local fsid osd_uuid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  mkdir -p "$DIR"/{mon,osd,mds,rgw,run,log,pids}
  write_conf "$fsid"
  ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT,v1:127.0.0.1:$MON_PORT_V1]" \
    "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring" >>"$DIR/log/mkfs.out" 2>&1
  launch mon.a ceph-mon -i a
  wait_for 30 "the monitor" check_fsid
  local pools="" p
  for p in .rgw.root default.rgw.log default.rgw.control default.rgw.meta default.rgw.buckets.index \
    default.rgw.buckets.data default.rgw.buckets.non-ec; do
    pools+="osd pool create $p 8"$'\n'"osd pool application enable $p rgw"$'\n'
  done
  cephcli >>"$DIR/log/setup.out" 2>&1 <<EOF
osd new $osd_uuid 0
osd pool create cephfs_metadata 8
osd pool create cephfs_data 8
fs new cephfs cephfs_metadata cephfs_data
$pools
EOF
  ceph-osd -c "$CONF" --mkfs -i 0 --osd-uuid "$osd_uuid" >>"$DIR/log/mkfs.out" 2>&1
  echo "$fsid" >"$DIR/fsid"
  start_daemons
  radosgw-admin -c "$CONF" user create --uid shoal --display-name "Shoal tests" \
    --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" >>"$DIR/log/setup.out" 2>&1
  launch client.rgw radosgw -n client.rgw
}

# The monitor answering with *our* fsid: a cluster left on the same ports would otherwise be joined.
check_fsid() { [ "$(cephcli fsid 2>/dev/null)" = "$(sed -n 's/^fsid = //p' "$CONF")" ]; }
osd_up() { cephcli osd stat -f json | grep -q '"num_up_osds":1'; }
mds_active() { cephcli fs dump -f json 2>/dev/null | grep -q '"state":"up:active"'; }
rgw_ok() { curl -sf -o /dev/null "http://127.0.0.1:$RGW_PORT/"; }

start_daemons() {
  launch mon.a ceph-mon -i a
  wait_for 30 "the monitor" check_fsid
  launch osd.0 ceph-osd -i 0
  launch mds.a ceph-mds -i a
  wait_for 60 "the osd" osd_up
}

cmd_start() {
  command -v ceph-mon >/dev/null || die "ceph-mon is not installed (run scripts/install-deps.sh)"
  if [ -f "$CONF" ] && [ -f "$DIR/fsid" ]; then
    if ! alive mon.a; then
      for port in "$MON_PORT" "$MON_PORT_V1" "$RGW_PORT"; do
        port_busy "$port" && die "port $port is in use by another process; set TEST_CEPH_MON_PORT/TEST_CEPH_RGW_PORT"
      done
    fi
    start_daemons
    launch client.rgw radosgw -n client.rgw
  else
    for port in "$MON_PORT" "$MON_PORT_V1" "$RGW_PORT"; do
      port_busy "$port" && die "port $port is in use by another process; set TEST_CEPH_MON_PORT/TEST_CEPH_RGW_PORT"
    done
    rm -rf "$DIR"
    create
  fi
  wait_for 60 "the mds to become active" mds_active
  wait_for 60 "radosgw on 127.0.0.1:$RGW_PORT" rgw_ok
  log "running in $DIR (mon 127.0.0.1:$MON_PORT, rgw http://127.0.0.1:$RGW_PORT)"
}

cmd_stop() {
  local name pid deadline
  # Clients first, the monitor last, so each daemon can say goodbye to the ones it talks to.
  for name in client.rgw mds.a osd.0 mon.a; do
    alive "$name" || { rm -f "$(pidfile "$name")"; continue; }
    pid=$(cat "$(pidfile "$name")")
    kill -TERM "$pid" 2>/dev/null || true
    # The osd writes its memstore to disk on a clean stop: give it time.
    deadline=$((SECONDS + 60))
    while alive "$name" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if alive "$name"; then
      log "$name ($pid) did not stop in 60 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$(pidfile "$name")"
  done
}

cmd_status() {
  local name rc=0
  for name in "${DAEMONS[@]}"; do
    if alive "$name"; then echo "$name running (pid $(cat "$(pidfile "$name")"))"; else echo "$name stopped"; rc=1; fi
  done
  return $rc
}

cmd_env() {
  echo "export TEST_CEPH_DIR=$DIR"
  echo "export CEPH_CONF=$CONF"
  echo "export S3_ENDPOINT=http://127.0.0.1:$RGW_PORT"
  echo "export AWS_ACCESS_KEY_ID=$ACCESS_KEY"
  echo "export AWS_SECRET_ACCESS_KEY=$SECRET_KEY"
  echo "export AWS_DEFAULT_REGION=us-east-1"
  echo "export TEST_CEPH_MDS_ASOK=$DIR/run/mds.a.asok"
  echo "export TEST_CEPH_RGW_ASOK=$DIR/run/client.rgw.asok"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  destroy) cmd_stop; rm -rf "$DIR" ;;
  *) echo "usage: $0 start|stop|status|env|destroy" >&2; exit 2 ;;
esac
