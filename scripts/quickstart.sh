#!/usr/bin/env bash
# Starts a local Shoal master (with / mounted on a directory of sample files) and a worker through
# `shoal local up`, shows them working, and tells how to stop them. `quickstart.sh stop` runs
# `shoal local down`, which stops what `up` started (by saved PID only).
set -euo pipefail
cd "$(dirname "$0")/.."
SHOAL=${SHOAL:-build/bin/shoal}
HOME_DIR=${SHOAL_QUICKSTART_DIR:-/tmp/shoal-quickstart}
PORT=${SHOAL_QUICKSTART_PORT:-19998}
WORKER_PORT=${SHOAL_QUICKSTART_WORKER_PORT:-29999}
D=(-Dshoal.master.rpc.port="$PORT")
W=(-Dshoal.worker.rpc.port="$WORKER_PORT" -Dshoal.worker.tier.mem.dir=/dev/shm/shoal-quickstart
   -Dshoal.worker.tier.mem.capacity=256MB -Dshoal.worker.domain.socket.dir="$HOME_DIR")

stop() {
  "$SHOAL" local down --dir "$HOME_DIR"
}

start() {
  if [ ! -d "$HOME_DIR/data" ]; then
    # A few sample files in the store (once: the journal remembers them across restarts).
    mkdir -p "$HOME_DIR/data/datasets/images" "$HOME_DIR/data/models"
    for i in 1 2 3; do printf 'sample image %s\n' "$i" > "$HOME_DIR/data/datasets/images/img-$i.jpg"; done
    printf 'id,label\n1,cat\n2,dog\n' > "$HOME_DIR/data/datasets/labels.csv"
    head -c 1048576 /dev/urandom > "$HOME_DIR/data/models/weights.bin"
  fi
  # A master over $HOME_DIR/data and a worker, in the background; returns once both answer.
  "$SHOAL" local up --dir "$HOME_DIR" "${D[@]}" "${W[@]}"
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
  echo "\$ shoal fs copyFromLocal README.md /docs/README.md   # written to the store and the worker's cache"
  "$SHOAL" fs rm /docs/README.md "${D[@]}" 2>/dev/null || true
  "$SHOAL" fs copyFromLocal README.md /docs/README.md "${D[@]}"
  cmp -s README.md "$HOME_DIR/data/docs/README.md" && echo "README.md written through Shoal into the store: identical"
  cmp -s "$HOME_DIR/weights.copy" "$HOME_DIR/data/models/weights.bin" && echo "models/weights.bin read back through Shoal: identical"
  echo "\$ shoal fsadmin report"
  "$SHOAL" fsadmin report "${D[@]}"
  echo
  echo "Try: $SHOAL fs mkdir /datasets/new -Dshoal.master.rpc.port=$PORT   (appears in $HOME_DIR/data too)"
  echo "Web UI: http://127.0.0.1:19999/ (overview, workers, mounts, browse, cluster metrics, threads); metrics: http://127.0.0.1:19999/metrics"
  echo "Logs: $HOME_DIR/master.log, $HOME_DIR/worker.log.  Stop them with: make stop"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop"; exit 2 ;;
esac
