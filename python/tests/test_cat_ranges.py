"""A batched cat_ranges: 1,000 random 64 KiB ranges of a 1 GiB file come back byte for byte in a
bounded number of worker round trips (the workers' own request counters), not one per range;
the same through each data transport."""

import os
import random

import numpy as np
import pytest

import shoal

GIB = 1 << 30
RANGE = 64 << 10


@pytest.fixture(scope="module")
def big_file(cluster):
    """A 1 GiB file in the store whose every 8-byte word holds its own offset."""
    path = os.path.join(cluster.store, "big-1g.bin")
    words = (1 << 20) // 8
    with open(path, "wb") as f:
        for mib in range(GIB >> 20):
            f.write((np.arange(words, dtype="<u8") * 8 + (mib << 20)).tobytes())
    # Written beside Shoal, into the store: one access that re-reads the store's metadata makes
    # the master see it (the others may have listed /data before it existed).
    info = shoal.connect(master=cluster.master_address, conf={"shoal.user.file.metadata.sync.interval": "0"}).stat("/data/big-1g.bin")
    assert info.size == GIB
    return "/data/big-1g.bin"


def expected(start, end):
    first = start // 8 * 8
    words = np.arange(first, end + 8, 8, dtype="<u8").tobytes()
    return words[start - first:end - first]


@pytest.mark.parametrize("transport", ["tcp", "grpc"])
def test_a_thousand_ranges_of_a_gib_take_a_bounded_number_of_round_trips(cluster, big_file, transport):
    # A client on another host as far as the workers are concerned: no short-circuit, so every
    # byte crosses a worker's port and is counted there.
    fs = shoal.connect(master=cluster.master_address, user_short_circuit_enabled=False,
                       user_data_transport=transport)
    rng = random.Random(17)
    starts = [rng.randrange(0, GIB - RANGE) for _ in range(1000)]
    ranges = [(s, s + RANGE) for s in starts]
    label = 'path="data_port"' if transport == "tcp" else 'path="grpc"'
    before = cluster.worker_metric("shoal_worker_read_requests_total", label)
    out = fs.cat_ranges(big_file, ranges)
    requests = cluster.worker_metric("shoal_worker_read_requests_total", label) - before
    assert len(out) == 1000
    for (s, e), data in zip(ranges, out):
        assert data == expected(s, e), f"range {s}-{e}"
    # One request per worker per 16 MiB of reply at most: 62.5 MiB over two workers.
    bound = 2 * (-(-1000 * RANGE // (16 << 20)) + 1)
    assert 0 < requests <= bound, f"{requests} worker requests for 1000 ranges (bound {bound})"
    # Ranges that end past the end of the file are cut there; those past it are empty.
    tail = fs.cat_ranges(big_file, [(GIB - 10, GIB + 100), (GIB + 5, GIB + 10), (100, 100)])
    assert tail == [expected(GIB - 10, GIB), b"", b""]


def test_cat_ranges_through_fsspec_match_single_reads(cluster, big_file):
    import fsspec
    sfs = fsspec.filesystem("shoal", master=cluster.master_address, skip_instance_cache=True)
    rng = random.Random(5)
    starts = [rng.randrange(0, GIB) for _ in range(200)]
    ends = [s + rng.randrange(1, 3 * RANGE) for s in starts]
    got = sfs.cat_ranges([big_file] * len(starts), starts, ends)
    for s, e, data in zip(starts, ends, got):
        assert data == expected(s, min(e, GIB))
    # Overlapping and repeated ranges each get their own bytes.
    got = sfs.cat_ranges([big_file] * 3, [1000, 1500, 1000], [2000, 2500, 2000])
    assert got == [expected(1000, 2000), expected(1500, 2500), expected(1000, 2000)]
