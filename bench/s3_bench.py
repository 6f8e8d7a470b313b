"""The S3 gateway measured in one run beside radosgw itself: a test Ceph (scripts/test-ceph.sh),
a master and two workers on 127.0.0.1 with a radosgw bucket mounted as s3:// at /rgw-bench, and
`shoal proxy` over them. boto3 PUTs and GETs 4 KiB objects (8 threads), 1 MiB objects and 64 MiB
objects (one stream) through the gateway into /rgw-bench and straight to radosgw; GETs through the
gateway both cached (the workers hold the pages) and cold (freed first, so the bytes come from
radosgw through a worker), and the same files written and read through a Shoal FUSE mount of the
same cluster (the POSIX path to the same data). Then a listing of 100,000 keys (file:// store) page by page through
the gateway beside a sorted walk of the same local tree. Writes JSON and a markdown table.

    /usr/bin/python3 bench/s3_bench.py --json out.json --markdown out.md
"""

import argparse
import concurrent.futures
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
BUILD = os.environ.get("SHOAL_BUILD", os.path.join(ROOT, "build"))
sys.path.insert(0, os.path.join(BUILD, "python"))
os.environ.setdefault("SHOAL_BIN", os.path.join(BUILD, "bin/shoal"))
spec = importlib.util.spec_from_file_location("shoal_cluster", os.path.join(ROOT, "python/tests/conftest.py"))
cluster_mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cluster_mod)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

import shoal  # noqa: E402

KiB, MiB = 1 << 10, 1 << 20


def s3client(endpoint, access, secret):
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=access, aws_secret_access_key=secret,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}, max_pool_connections=16))


def timed_ops(fn, n, threads):
    """Runs fn(i) for i in range(n) on `threads` threads: (ops/s, MB/s over `size`, p99 ms)."""
    lat = []

    def one(i):
        t = time.perf_counter()
        fn(i)
        lat.append(time.perf_counter() - t)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(n)))
    wall = time.perf_counter() - start
    lat.sort()
    return n / wall, lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000


class FuseFiles:
    """put_object/get_object as files under a FUSE mount: the FUSE path measured like the S3 ones."""

    def __init__(self, mount_point):
        self.mp = mount_point

    def put_object(self, Bucket, Key, Body):
        path = os.path.join(self.mp, Bucket, Key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(Body)

    def get_object(self, Bucket, Key):
        return {"Body": open(os.path.join(self.mp, Bucket, Key), "rb")}


def measure(client, bucket, prefix, size, n, threads, data, label, freeing=None):
    put = timed_ops(lambda i: client.put_object(Bucket=bucket, Key=f"{prefix}/{i}", Body=data), n, threads)
    if freeing:
        freeing()
    get_cold = timed_ops(lambda i: client.get_object(Bucket=bucket, Key=f"{prefix}/{i}")["Body"].read(), n, threads)
    get_warm = timed_ops(lambda i: client.get_object(Bucket=bucket, Key=f"{prefix}/{i}")["Body"].read(), n, threads)
    out = {}
    for op, (ops, p99) in (("put", put), ("get_cold", get_cold), ("get", get_warm)):
        out[f"{label}.{op}"] = {"ops_per_s": round(ops, 1), "mb_per_s": round(ops * size / 1e6, 1), "p99_ms": round(p99, 2)}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--markdown", required=True)
    ap.add_argument("--keys", type=int, default=100_000)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="shoal-s3-bench-")
    ceph_dir = os.path.join(tmp, "ceph")
    script = os.path.join(ROOT, "scripts/test-ceph.sh")
    env = dict(os.environ, TEST_CEPH_DIR=ceph_dir)
    subprocess.run([script, "start"], env=env, check=True, stdout=subprocess.DEVNULL)
    cluster = gateway = fuse = None
    mp = tempfile.mkdtemp(prefix="shoal-s3-bench-fuse-")
    try:
        out = subprocess.run([script, "env"], env=env, capture_output=True, text=True, check=True).stdout
        cenv = cluster_mod.parse_exports(out)
        rgw = s3client(cenv["S3_ENDPOINT"], cenv["AWS_ACCESS_KEY_ID"], cenv["AWS_SECRET_ACCESS_KEY"])
        rgw.create_bucket(Bucket="shoal-bench")
        rgw.create_bucket(Bucket="direct-bench")
        cluster = cluster_mod.Cluster(tmp)
        cluster.cli("fs", "mount", "/rgw-bench", "s3://shoal-bench", "--option", f"s3.endpoint={cenv['S3_ENDPOINT']}",
                    "--option", f"s3.access.key={cenv['AWS_ACCESS_KEY_ID']}",
                    "--option", f"s3.secret.key={cenv['AWS_SECRET_ACCESS_KEY']}")
        gateway = cluster_mod.Gateway(cluster, domain="s3.bench.test")
        gw = s3client(gateway.endpoint, gateway.access, gateway.secret)
        fs = shoal.connect(master=cluster.master_address)
        fuse = cluster.mount_fuse(mp, "rgw-bench")
        files = FuseFiles(mp)
        results = {}
        rng = random.Random(1)
        for size, n, threads, name in ((4 * KiB, 500, 8, "4KiB"), (1 * MiB, 50, 1, "1MiB"), (64 * MiB, 3, 1, "64MiB")):
            data = rng.randbytes(size)
            results.update(measure(rgw, "direct-bench", name, size, n, threads, data, f"radosgw.{name}"))
            results.update(measure(gw, "rgw-bench", name, size, n, threads, data, f"gateway.{name}",
                                   freeing=lambda: [fs.free(f"/rgw-bench/{name}/{i}") for i in range(n)]))
            results.update(measure(files, "rgw-bench", f"fuse-{name}", size, n, threads, data, f"fuse.{name}",
                                   freeing=lambda: [fs.free(f"/rgw-bench/fuse-{name}/{i}") for i in range(n)]))
        # A listing of many keys, page by page, beside a sorted walk of the same local tree.
        root = os.path.join(cluster.store, "listing")
        for d in range(10):
            os.makedirs(os.path.join(root, f"d{d}"))
            for i in range(args.keys // 10):
                open(os.path.join(root, f"d{d}", f"k{i:06d}"), "wb").close()
        cluster.cli("fs", "ls", "/data", "-Dshoal.user.file.metadata.sync.interval=0")
        t = time.perf_counter()
        walked = sorted(os.path.join(dp, f) for dp, _, fs_ in os.walk(root) for f in fs_)
        local_s = time.perf_counter() - t
        timings = []
        for _ in range(2):  # the first pass also loads the tree from the store (metadata sync)
            t = time.perf_counter()
            n = sum(len(p.get("Contents", [])) for p in gw.get_paginator("list_objects_v2").paginate(
                Bucket="data", Prefix="listing/", PaginationConfig={"PageSize": 1000}))
            timings.append(time.perf_counter() - t)
            assert n == len(walked), (n, len(walked))
        results["listing.keys"] = n
        results["listing.gateway_first_s"] = round(timings[0], 2)
        results["listing.gateway_s"] = round(timings[1], 2)
        results["listing.local_walk_s"] = round(local_s, 2)
    finally:
        if fuse:
            cluster.unmount_fuse(fuse, mp)
        if gateway:
            gateway.stop()
        if cluster:
            cluster.stop()
        subprocess.run([script, "destroy"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(mp, ignore_errors=True)

    with open(args.json, "w") as f:
        json.dump(results, f, indent=2)
    lines = ["| objects | op | gateway ops/s | gateway MB/s | gateway p99 ms | radosgw ops/s | radosgw MB/s | "
             "radosgw p99 ms | gateway/radosgw (ops) | FUSE ops/s | gateway/FUSE (ops) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name in ("4KiB", "1MiB", "64MiB"):
        for op, label in (("put", "PUT"), ("get_cold", "GET cold"), ("get", "GET cached")):
            g = results[f"gateway.{name}.{op}"]
            r = results[f"radosgw.{name}.{op if op != 'get_cold' else 'get'}"]
            u = results[f"fuse.{name}.{op}"]
            lines.append(f"| {name} | {label} | {g['ops_per_s']} | {g['mb_per_s']} | {g['p99_ms']} | {r['ops_per_s']} | "
                         f"{r['mb_per_s']} | {r['p99_ms']} | {g['ops_per_s'] / r['ops_per_s']:.2f} | {u['ops_per_s']} | "
                         f"{g['ops_per_s'] / u['ops_per_s']:.2f} |")
    lines += ["", f"Listing {results['listing.keys']:,} keys, 1,000 per page, through the gateway: "
              f"{results['listing.gateway_s']} s ({results['listing.gateway_first_s']} s the first time, which also "
              f"loads the tree from the store); a sorted os.walk of the same local tree: {results['listing.local_walk_s']} s "
              f"(ratio {results['listing.gateway_s'] / max(results['listing.local_walk_s'], 1e-3):.1f})."]
    with open(args.markdown, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
