#!/usr/bin/env bash
# Starts a local Shoal master with / mounted on a directory of sample files, shows it working, and
# tells how to stop it. `quickstart.sh stop` stops what `start` started (by saved PID only).
set -euo pipefail
cd "$(dirname "$0")/.."
SHOAL=${SHOAL:-build/bin/shoal}
HOME_DIR=${SHOAL_QUICKSTART_DIR:-/tmp/shoal-quickstart}
PORT=${SHOAL_QUICKSTART_PORT:-19998}
PIDFILE="$HOME_DIR/master.pid"
D=(-Dshoal.master.rpc.port="$PORT" -Dshoal.master.journal.folder="$HOME_DIR/journal")

stop() {
  if [ -f "$PIDFILE" ]; then
    pid=$(cat "$PIDFILE")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      echo "Stopped the quickstart master (pid $pid)."
    fi
    rm -f "$PIDFILE"
  else
    echo "No quickstart master is running."
  fi
}

start() {
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    echo "A quickstart master is already running (pid $(cat "$PIDFILE")); 'make stop' first."
    exit 1
  fi
  mkdir -p "$HOME_DIR/data/datasets/images" "$HOME_DIR/data/models"
  # A few sample files in the store.
  for i in 1 2 3; do printf 'sample image %s\n' "$i" > "$HOME_DIR/data/datasets/images/img-$i.jpg"; done
  printf 'id,label\n1,cat\n2,dog\n' > "$HOME_DIR/data/datasets/labels.csv"
  head -c 1048576 /dev/urandom > "$HOME_DIR/data/models/weights.bin"
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
  echo
  echo "\$ shoal fs mount"
  "$SHOAL" fs mount "${D[@]}"
  echo "\$ shoal fs ls -R -l -h /"
  "$SHOAL" fs ls -R -l -h / "${D[@]}"
  echo "\$ shoal fs count /"
  "$SHOAL" fs count / "${D[@]}"
  echo
  echo "Try: $SHOAL fs mkdir /datasets/new -Dshoal.master.rpc.port=$PORT   (appears in $HOME_DIR/data too)"
  echo "Log: $HOME_DIR/master.log.  Stop it with: make stop"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop"; exit 2 ;;
esac
