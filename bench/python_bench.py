"""Python read paths, measured in one run against a real master and two workers on 127.0.0.1:
10,000 files of 100 KiB read with DataLoader(num_workers=4) through (a) the binding, (b) fsspec,
(c) the FUSE mount with plain open(), (d) the local directory the store is (the ceiling; the page
cache holds it, as the workers' cache holds Shoal's copy); then 1,000 random 64 KiB ranges of a
1 GiB file by one cat_ranges against a loop of cat_file. Writes JSON and a markdown table.

    /usr/bin/python3 bench/python_bench.py --json out.json --markdown out.md [--files N]
"""

import argparse
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
BUILD = os.environ.get("SHOAL_BUILD", os.path.join(HERE, "../build"))
sys.path.insert(0, os.path.join(BUILD, "python"))
os.environ.setdefault("SHOAL_BIN", os.path.join(BUILD, "bin/shoal"))
spec = importlib.util.spec_from_file_location("shoal_cluster", os.path.join(HERE, "../python/tests/conftest.py"))
cluster_mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cluster_mod)

import fsspec  # noqa: E402
import torch  # noqa: E402

import shoal  # noqa: E402
import shoal.torch  # noqa: E402


class PathDataset(torch.utils.data.Dataset):
    """Reads each path with `read(path) -> bytes` (plain open(), or fsspec)."""

    def __init__(self, paths, read):
        self.paths, self.read = paths, read

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        return len(self.read(self.paths[i]))


def read_local(path):
    with open(path, "rb") as f:
        return f.read()


class FsspecRead:
    def __init__(self, master):
        self.master, self.fs = master, None

    def __call__(self, path):
        if self.fs is None:  # per worker process
            self.fs = fsspec.filesystem("shoal", master=self.master)
        return self.fs.cat_file(path)


def run_loader(dataset, expect_bytes):
    loader = torch.utils.data.DataLoader(dataset, batch_size=64, num_workers=4, collate_fn=sum, timeout=600)
    start = time.monotonic()
    total = sum(loader)
    seconds = time.monotonic() - start
    assert total == expect_bytes, f"read {total} bytes, expected {expect_bytes}"
    return seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--markdown", required=True)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--file-size", type=int, default=100 << 10)
    args = ap.parse_args()
    root = tempfile.mkdtemp(prefix="shoal-pybench-")
    cluster = cluster_mod.Cluster(root)
    mp = tempfile.mkdtemp(prefix="shoal-pybench-fuse-")
    fuse = None
    results = {}
    try:
        tree = os.path.join(cluster.store, "bench")
        names = []
        for i in range(args.files):
            d = os.path.join(tree, f"{i // 1000:02d}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"{i:05d}.bin"), "wb") as f:
                f.write(os.urandom(args.file_size))
            names.append(f"{i // 1000:02d}/{i:05d}.bin")
        total = args.files * args.file_size
        client = shoal.connect(master=cluster.master_address)
        client.load("/data/bench")  # every path measures reads of cached data
        fuse = cluster.mount_fuse(mp, "data/bench/00")
        paths = {
            "binding": shoal.torch.FileDataset(client, "/data/bench", transform=lambda p, b: len(b)),
            "fsspec": PathDataset([f"/data/bench/{n}" for n in names], FsspecRead(cluster.master_address)),
            "fuse": PathDataset([os.path.join(mp, "data/bench", n) for n in names], read_local),
            "local": PathDataset([os.path.join(tree, n) for n in names], read_local),
        }
        for name in ("local", "fuse"):  # warm the page cache and the mount's kernel caches alike
            run_loader(paths[name], total)
        for name, ds in paths.items():
            seconds = run_loader(ds, total)
            results[f"dataloader_{name}"] = {"samples_per_s": args.files / seconds, "mb_per_s": total / seconds / 1e6}
        # cat_ranges vs a loop of cat_file over a 1 GiB file (cached first).
        big = os.path.join(cluster.store, "big.bin")
        with open(big, "wb") as f:
            for _ in range(1024):
                f.write(os.urandom(1 << 20))
        shoal.connect(master=cluster.master_address, conf={"shoal.user.file.metadata.sync.interval": "0"}).stat("/data/big.bin")
        client.load("/data/big.bin")
        sfs = fsspec.filesystem("shoal", master=cluster.master_address, skip_instance_cache=True)
        rng = random.Random(1)
        starts = [rng.randrange(0, (1 << 30) - (64 << 10)) for _ in range(1000)]
        ends = [s + (64 << 10) for s in starts]
        for label, remote in (("local_client", sfs), ("remote_client", fsspec.filesystem(
                "shoal", master=cluster.master_address, skip_instance_cache=True, user_short_circuit_enabled=False))):
            # A new client connects to the master and the workers on its first read: not what is measured.
            remote.cat_file("/data/big.bin", 0, 1)
            t = time.monotonic()
            batched = remote.cat_ranges(["/data/big.bin"] * 1000, starts, ends)
            batched_s = time.monotonic() - t
            t = time.monotonic()
            looped = [remote.cat_file("/data/big.bin", s, e) for s, e in zip(starts, ends)]
            loop_s = time.monotonic() - t
            assert batched == looped
            results[f"cat_ranges_{label}"] = {"batched_s": batched_s, "loop_s": loop_s, "speedup": loop_s / batched_s}
    finally:
        if fuse:
            cluster.unmount_fuse(fuse, mp)
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(mp, ignore_errors=True)
    with open(args.json, "w") as f:
        json.dump({"files": args.files, "file_size": args.file_size, "results": results}, f, indent=2)
    local = results["dataloader_local"]
    lines = ["| read path (DataLoader, 4 workers) | samples/s | MB/s | vs local |", "|---|---|---|---|"]
    for name in ("binding", "fsspec", "fuse", "local"):
        r = results[f"dataloader_{name}"]
        lines.append(f"| {name} | {r['samples_per_s']:,.0f} | {r['mb_per_s']:,.0f} | "
                     f"{r['samples_per_s'] / local['samples_per_s']:.2f} |")
    lines += ["", "| 1,000 random 64 KiB ranges of 1 GiB | one cat_ranges (s) | loop of cat_file (s) | speedup |",
              "|---|---|---|---|"]
    for label in ("local_client", "remote_client"):
        r = results[f"cat_ranges_{label}"]
        lines.append(f"| {label.replace('_', ' ')} | {r['batched_s']:.3f} | {r['loop_s']:.3f} | {r['speedup']:.1f}x |")
    with open(args.markdown, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
