"""The binding over CephFS (the test Ceph of scripts/test-ceph.sh): files written through Shoal land
in CephFS and read back byte for byte from the workers and, once freed, from Ceph again; errors
carry the errno; cache control shows in location."""

import os
import uuid

import pytest


@pytest.fixture(scope="module")
def ceph_dir(cluster, ceph_conf, fs):
    if not fs.exists("/ceph"):
        cluster.cli("fs", "mount", "/ceph", "cephfs:///", "--option", f"ceph.conf={ceph_conf}",
                    "--option", "ceph.timeout=10s")
    d = f"/ceph/shoal-py-{uuid.uuid4().hex[:8]}"
    fs.mkdir(d)
    yield d
    fs.rmtree(d)


def test_bytes_written_through_shoal_read_back_from_workers_and_from_ceph(fs, ceph_dir):
    page = fs.page_size
    files = {f"{ceph_dir}/small.txt": b"over cephfs\n", f"{ceph_dir}/empty": b"",
             f"{ceph_dir}/dir/big.bin": os.urandom(3 * page + 77)}
    for p, data in files.items():
        fs.makedirs(os.path.dirname(p), exist_ok=True)
        with fs.open(p, "wb", write_type="CACHE_THROUGH") as f:
            f.write(data)
    for p, data in files.items():
        assert fs.stat(p).persisted, p
        with fs.open(p, "rb") as f:
            assert f.read() == data, p
    big = f"{ceph_dir}/dir/big.bin"
    assert sorted(fs.listdir(ceph_dir)) == ["dir", "empty", "small.txt"]
    # Cache control: load puts every page in a worker; free drops them; the bytes then come from Ceph.
    fs.load(big)
    held = sorted(i for pages in fs.location(big).values() for i in pages)
    assert held == [0, 1, 2, 3]
    assert fs.free(big) >= 4
    assert fs.location(big) == {} or all(not v for v in fs.location(big).values())
    assert fs.cat(big, page - 5, page + 5) == files[big][page - 5:page + 5]
    assert fs.cat_ranges(big, [(0, 10), (3 * page, 4 * page)]) == [files[big][:10], files[big][3 * page:]]
    with fs.open(f"{ceph_dir}/small.txt", "ab") as f:
        f.write(b"appended\n")
    assert fs.cat(f"{ceph_dir}/small.txt") == b"over cephfs\nappended\n"
    fs.rename(f"{ceph_dir}/small.txt", f"{ceph_dir}/dir/moved.txt")
    assert fs.cat(f"{ceph_dir}/dir/moved.txt") == b"over cephfs\nappended\n"


def test_errors_over_cephfs_carry_the_errno_and_the_path(fs, ceph_dir):
    with pytest.raises(FileNotFoundError) as e:
        fs.open(f"{ceph_dir}/nothing", "rb")
    assert e.value.errno == 2 and "nothing" in str(e.value)
    fs.makedirs(f"{ceph_dir}/full/inner", exist_ok=True)
    with pytest.raises(OSError) as e:
        fs.rmdir(f"{ceph_dir}/full")
    assert e.value.errno == 39  # ENOTEMPTY
    with pytest.raises(IsADirectoryError):
        fs.open(f"{ceph_dir}/full", "rb")
    with pytest.raises(FileExistsError):
        fs.mkdir(f"{ceph_dir}/full")
