#!/usr/bin/env bash
# Starts a local Shoal master (with / mounted on a directory of sample files) and a worker, shows
# them working, and tells how to stop them. `quickstart.sh stop` stops what `start` started (by saved PID only).
set -euo pipefail
cd "$(dirname "$0")/.."
SHOAL=${SHOAL:-build/bin/shoal}
HOME_DIR=${SHOAL_QUICKSTART_DIR:-/tmp/shoal-quickstart}
PORT=${SHOAL_QUICKSTART_PORT:-19998}
WORKER_PORT=${SHOAL_QUICKSTART_WORKER_PORT:-29999}
PIDFILE="$HOME_DIR/master.pid"
WORKER_PIDFILE="$HOME_DIR/worker.pid"
D=(-Dshoal.master.rpc.port="$PORT" -Dshoal.master.journal.folder="$HOME_DIR/journal")
W=(-Dshoal.worker.rpc.port="$WORKER_PORT" -Dshoal.worker.tier.mem.dir=/dev/shm/shoal-quickstart
   -Dshoal.worker.tier.mem.capacity=256MB -Dshoal.worker.domain.socket.dir="$HOME_DIR")

# Stops the process whose PID is saved in $1 (and only that one).
stop_one() {
  local file=$1 role=$2
  if [ -f "$file" ]; then
    pid=$(cat "$file")
    if kill "$pid" 2>/dev/null; then
      # kill -0 succeeds on zombies; the state field of /proc/PID/stat tells.
      for _ in $(seq 1 100); do
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
        [ "$state" = gone ] || [ "$state" = Z ] && break
        sleep 0.1
      done
      echo "Stopped the quickstart $role (pid $pid)."
    fi
    rm -f "$file"
  else
    echo "No quickstart $role is running."
  fi
}

stop() {
  stop_one "$WORKER_PIDFILE" worker
  stop_one "$PIDFILE" master
}

start() {
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    echo "A quickstart cluster is already running (master pid $(cat "$PIDFILE")); 'make stop' first."
    exit 1
  fi
  if [ ! -d "$HOME_DIR/data" ]; then
    # A few sample files in the store (once: the journal remembers them across restarts).
    mkdir -p "$HOME_DIR/data/datasets/images" "$HOME_DIR/data/models"
    for i in 1 2 3; do printf 'sample image %s\n' "$i" > "$HOME_DIR/data/datasets/images/img-$i.jpg"; done
    printf 'id,label\n1,cat\n2,dog\n' > "$HOME_DIR/data/datasets/labels.csv"
    head -c 1048576 /dev/urandom > "$HOME_DIR/data/models/weights.bin"
  fi
  "$SHOAL" master "${D[@]}" -Dshoal.master.mount.table.root.ufs="file://$HOME_DIR/data" \
    > "$HOME_DIR/master.log" 2>&1 &
  echo $! > "$PIDFILE"
  # Wait (with a deadline) until the master answers.
  for _ in $(seq 1 100); do
    if "$SHOAL" fs test -d / "${D[@]}" 2>/dev/null; then break; fi
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "The master exited; its log:"; cat "$HOME_DIR/master.log"; rm -f "$PIDFILE"; exit 1
    fi
    sleep 0.1
  done
  echo "Shoal master running (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT, / mounted on file://$HOME_DIR/data"
  "$SHOAL" worker "${D[@]}" "${W[@]}" > "$HOME_DIR/worker.log" 2>&1 &
  echo $! > "$WORKER_PIDFILE"
  for _ in $(seq 1 100); do
    if "$SHOAL" fsadmin report "${D[@]}" 2>/dev/null | grep -q "Live workers:    1"; then break; fi
    if ! kill -0 "$(cat "$WORKER_PIDFILE")" 2>/dev/null; then
      echo "The worker exited; its log:"; cat "$HOME_DIR/worker.log"; stop; exit 1
    fi
    sleep 0.1
  done
  echo "Shoal worker running (pid $(cat "$WORKER_PIDFILE")) on 127.0.0.1:$WORKER_PORT"
  echo
  echo "\$ shoal fs mount"
  "$SHOAL" fs mount "${D[@]}"
  echo "\$ shoal fs ls -R -l -h /"
  "$SHOAL" fs ls -R -l -h / "${D[@]}"
  echo "\$ shoal fs count /"
  "$SHOAL" fs count / "${D[@]}"
  echo "\$ shoal fs cat /datasets/labels.csv      # read through the worker, which caches it"
  "$SHOAL" fs cat /datasets/labels.csv "${D[@]}"
  "$SHOAL" fs copyToLocal /models/weights.bin "$HOME_DIR/weights.copy" "${D[@]}"
  cmp -s "$HOME_DIR/weights.copy" "$HOME_DIR/data/models/weights.bin" && echo "models/weights.bin read back through Shoal: identical"
  echo "\$ shoal fsadmin report"
  "$SHOAL" fsadmin report "${D[@]}"
  echo
  echo "Try: $SHOAL fs mkdir /datasets/new -Dshoal.master.rpc.port=$PORT   (appears in $HOME_DIR/data too)"
  echo "Log: $HOME_DIR/master.log.  Stop it with: make stop"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop"; exit 2 ;;
esac
