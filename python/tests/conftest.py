"""A real cluster on 127.0.0.1 for the Python tests: one master and two workers started from the
build's `shoal` binary ($SHOAL_BIN), a store in a temporary directory mounted at /data."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

SHOAL_BIN = os.environ.get("SHOAL_BIN", os.path.join(os.path.dirname(__file__), "../../build/bin/shoal"))


_next_port = [61000 + os.getpid() * 7919 % 4000]


def free_port():
    """A port above the kernel's ephemeral range (32768-60999), so no outgoing connection takes it
    between this check and the server's bind (as happened with ports bind(0) chose)."""
    for _ in range(4500):
        port = _next_port[0]
        _next_port[0] = 61000 + (port - 61000 + 1) % 4500
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 61000-65499")


def eventually(fn, timeout=60, what="condition"):
    """Waits for fn() to be true, polling, up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if fn():
                return
        except Exception:  # the cluster is still starting
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Cluster:
    def __init__(self, root, workers=2):
        self.root = root
        self.port = free_port()
        self.master_address = f"127.0.0.1:{self.port}"
        self.store = os.path.join(root, "store")
        os.makedirs(self.store)
        self.procs = []
        self.logs = []
        self.worker_addresses = []
        self.worker_web_ports = []
        self._start_master()
        for i in range(workers):
            self._start_worker(i)
        self.cli("fs", "mount", "/data", "file://" + self.store)

    def _spawn(self, name, argv):
        log = open(os.path.join(self.root, name + ".log"), "wb")
        self.logs.append(log.name)
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.procs.append(p)
        return p

    def _start_master(self):
        self._spawn("master", [SHOAL_BIN, "master", f"-Dshoal.master.rpc.port={self.port}",
                               f"-Dshoal.master.journal.folder={self.root}/journal",
                               f"-Dshoal.master.web.port={free_port()}", f"-Dshoal.log.dir={self.root}/logs"])
        eventually(lambda: self.cli("fsadmin", "report", check=False).returncode == 0, what="the master")

    def _start_worker(self, i):
        port = free_port()
        web = free_port()
        mem = tempfile.mkdtemp(prefix="shoal-py-worker-", dir="/dev/shm")
        self._spawn(f"worker{i}", [SHOAL_BIN, "worker", f"-Dshoal.master.rpc.port={self.port}",
                                   f"-Dshoal.worker.rpc.port={port}", f"-Dshoal.worker.tier.mem.dir={mem}",
                                   "-Dshoal.worker.heartbeat.interval=200ms", "-Dshoal.worker.data.port=0",
                                   f"-Dshoal.worker.web.port={web}", f"-Dshoal.log.dir={self.root}/logs"])
        self.worker_web_ports.append(web)
        address = f"127.0.0.1:{port}"
        self.worker_addresses.append(address)
        self._mem_dirs = getattr(self, "_mem_dirs", []) + [mem]
        eventually(lambda: address in self.cli("fsadmin", "report", check=False).stdout, what=f"worker {address}")

    def worker_metric(self, name, labels=""):
        """The sum over the workers of a counter from their /metrics (`labels` as written there,
        e.g. 'path="data_port"')."""
        total = 0.0
        for port in self.worker_web_ports:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as r:
                for line in r.read().decode().splitlines():
                    series, _, value = line.rpartition(" ")
                    if series == (f"{name}{{{labels}}}" if labels else name):
                        total += float(value)
        return total

    def cli(self, *args, check=True):
        r = subprocess.run([SHOAL_BIN, *args, f"-Dshoal.master.rpc.port={self.port}"], capture_output=True,
                           text=True, timeout=120)
        if check and r.returncode != 0:
            raise AssertionError(f"shoal {' '.join(args)}: exit {r.returncode}: {r.stderr}")
        return r

    def mount_fuse(self, mount_point, ready_path):
        """`shoal fuse mount` of this cluster at mount_point, in the foreground; returns once
        ready_path (relative to the mount) exists. Unmount with unmount_fuse."""
        proc = subprocess.Popen([SHOAL_BIN, "fuse", "mount", mount_point, "--foreground",
                                 f"-Dshoal.master.rpc.port={self.port}", f"-Dshoal.log.dir={self.root}/logs"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        eventually(lambda: os.path.isdir(os.path.join(mount_point, ready_path)), what="the FUSE mount")
        return proc

    @staticmethod
    def unmount_fuse(proc, mount_point):
        subprocess.run([SHOAL_BIN, "fuse", "unmount", mount_point], timeout=60)
        proc.wait(timeout=60)

    def stop(self):
        for p in reversed(self.procs):
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for d in getattr(self, "_mem_dirs", []):
            shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster():
    root = tempfile.mkdtemp(prefix="shoal-py-")
    c = Cluster(root)
    yield c
    c.stop()
    shutil.rmtree(root, ignore_errors=True)


class Gateway:
    """`shoal proxy` over the cluster, with one access key in a keys file only its owner reads."""

    access = "pytestkey"
    secret = "pytest/secret+key=1"

    def __init__(self, cluster, domain):
        self.root = tempfile.mkdtemp(prefix="shoal-py-s3-")
        keys = os.path.join(self.root, "keys")
        with open(os.open(keys, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(f"{self.access} {self.secret}\n")
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.domain = domain
        self.log = os.path.join(self.root, "proxy.log")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [SHOAL_BIN, "proxy", f"-Dshoal.master.rpc.port={cluster.port}", f"-Dshoal.proxy.port={self.port}",
                 "-Dshoal.proxy.bind.host=127.0.0.1", f"-Dshoal.proxy.s3.keys.file={keys}",
                 f"-Dshoal.proxy.domain={domain}", f"-Dshoal.log.dir={self.root}/logs"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def up():
            with socket.create_connection(("127.0.0.1", self.port), timeout=5):
                return True
        eventually(up, what="the S3 gateway")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def gateway(cluster):
    g = Gateway(cluster, domain="s3.shoal.test")
    yield g
    g.stop()


def parse_exports(text):
    """The variables of `export NAME=value` lines (what `scripts/test-ceph.sh env` prints)."""
    return {k: v.strip("'\"") for k, v in (line[len("export "):].split("=", 1) for line in text.splitlines()
                                          if line.startswith("export ") and "=" in line)}


@pytest.fixture(scope="session")
def ceph_env():
    """What `scripts/test-ceph.sh env` exports for the test Ceph (started by CTest's "ceph"
    fixture): CEPH_CONF, S3_ENDPOINT (radosgw), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY. Skips
    when the tests were not started with it; fails if they were and it reports no cluster."""
    if not os.environ.get("TEST_CEPH_DIR") or not os.environ.get("SHOAL_SOURCE_DIR"):
        pytest.skip("no test Ceph (run through ctest, which starts scripts/test-ceph.sh)")
    script = os.path.join(os.environ["SHOAL_SOURCE_DIR"], "scripts/test-ceph.sh")
    out = subprocess.run([script, "env"], capture_output=True, text=True, timeout=120).stdout
    env = parse_exports(out)
    assert env.get("CEPH_CONF"), f"TEST_CEPH_DIR is set but `{script} env` printed no CEPH_CONF: the test Ceph did not start"
    return env


@pytest.fixture(scope="session")
def ceph_conf(ceph_env):
    """The test Ceph's ceph.conf."""
    return ceph_env["CEPH_CONF"]


@pytest.fixture(scope="session")
def fs(cluster):
    import shoal
    return shoal.connect(master=cluster.master_address)
