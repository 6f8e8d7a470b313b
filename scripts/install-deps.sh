#!/usr/bin/env bash
# Installs every Debian package Shoal needs to build and test. Idempotent: packages already
# present are skipped, and nothing is downloaded when everything is there.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # RPC
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  # common
  libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev libexpected-dev libxxhash-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3-pytest
  # the Python package: the binding, its fsspec filesystem, and the PyTorch DataLoader it serves
  pybind11-dev python3-dev python3-fsspec python3-torch python3-torchvision
  # the web port and the S3 gateway: HTTP server (header-only); SigV4's digests (OpenSSL)
  libcpp-httplib-dev libssl-dev
  # used by the integration tests' harness
  procps psmisc
  # ordinary programs the POSIX tests run on a mount
  sqlite3 python3 gzip tar
  # FUSE: the library for shoal-fuse, fusermount3 for unmounting
  fuse3 libfuse3-dev
  # under-stores: libcephfs for cephfs://, libcurl and pugixml for s3://
  libcephfs-dev libcurl4-openssl-dev libpugixml-dev
  # the replicated journal of HA masters
  libraft-dev libuv1-dev
  # the test Ceph (scripts/test-ceph.sh) and the clients tests check it with
  ceph-mon ceph-osd ceph-mds radosgw ceph-fuse ceph-common awscli curl iproute2
  # S3 clients the gateway is tested with beside awscli
  python3-boto3 s3cmd
  # a real Prometheus scrapes the daemons in the metrics test; a headless Chromium opens the web UI
  prometheus chromium chromium-driver python3-selenium
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
