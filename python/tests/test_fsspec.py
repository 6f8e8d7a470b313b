"""shoal.fsspec against the real cluster: registration, the namespace calls, bytes in and out, and
the edges (trailing slashes, empty files, ranges past the end, missing paths)."""

import os
import subprocess
import sys
import uuid

import fsspec
import pytest

from shoal.fsspec import PageCache, ShoalFileSystem


@pytest.fixture(scope="module")
def sfs(cluster):
    return fsspec.filesystem("shoal", master=cluster.master_address, skip_instance_cache=True)


@pytest.fixture
def root(sfs):
    d = f"/data/fsspec-{uuid.uuid4().hex[:8]}"
    sfs.mkdir(d)
    return d


def tree(sfs, root):
    """root/a.txt, root/empty, root/sub/b.bin, root/sub/deep/c.txt."""
    files = {f"{root}/a.txt": b"alpha\n", f"{root}/empty": b"", f"{root}/sub/b.bin": os.urandom(300_000),
             f"{root}/sub/deep/c.txt": b"gamma"}
    for p, data in files.items():
        sfs.pipe_file(p, data)
    return files


def test_the_protocol_is_found_by_entry_point_and_urls_carry_the_master(cluster):
    # A fresh interpreter that never imported shoal: only the entry point can name the class.
    code = ("import fsspec; c = fsspec.get_filesystem_class('shoal'); print(c.__module__ + '.' + c.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "shoal.fsspec.ShoalFileSystem"
    with fsspec.open(f"shoal://{cluster.master_address}/data/url.txt", "wb") as f:
        f.write(b"through a URL")
    with fsspec.open(f"shoal://{cluster.master_address}/data/url.txt", "rb") as f:
        assert f.read() == b"through a URL"
    with fsspec.open(f"shoal://{cluster.master_address}/data/url.txt", "rt") as f:
        assert f.read() == "through a URL"
    fs, path = fsspec.core.url_to_fs(f"shoal://{cluster.master_address}/data/url.txt")
    assert isinstance(fs, ShoalFileSystem) and path == "/data/url.txt"


def test_paths_lose_the_protocol_and_trailing_slashes():
    strip = ShoalFileSystem._strip_protocol
    assert strip("shoal://127.0.0.1:1/data/x/") == "/data/x"
    assert strip("shoal:///data//x") == "/data/x"
    assert strip("shoal://host:1") == "/"
    assert strip("/data/") == "/data"
    assert strip("/") == "/"
    assert ShoalFileSystem._get_kwargs_from_urls("shoal://m1:4000/x") == {"master_hostname": "m1",
                                                                          "master_rpc_port": 4000}


def test_ls_info_find_glob_du(sfs, root):
    files = tree(sfs, root)
    listing = sfs.ls(root, detail=True)
    assert [(e["name"], e["type"]) for e in listing] == [(f"{root}/a.txt", "file"), (f"{root}/empty", "file"),
                                                         (f"{root}/sub", "directory")]
    assert sfs.ls(root + "/", detail=False) == [e["name"] for e in listing]
    assert sfs.ls(f"{root}/a.txt", detail=False) == [f"{root}/a.txt"]  # a file lists as itself
    info = sfs.info(f"{root}/sub/b.bin")
    assert info["size"] == 300_000 and info["type"] == "file" and info["name"] == f"{root}/sub/b.bin"
    assert sfs.info(root + "/")["type"] == "directory"
    assert sfs.info(f"{root}/empty")["size"] == 0
    assert sfs.find(root) == sorted(files)
    assert sfs.find(root, withdirs=True) == sorted(list(files) + [f"{root}/sub", f"{root}/sub/deep"])
    assert sfs.find(root, maxdepth=1) == [f"{root}/a.txt", f"{root}/empty"]
    assert sfs.glob(f"{root}/*.txt") == [f"{root}/a.txt"]
    assert sfs.glob(f"{root}/*/*/*.txt") == [f"{root}/sub/deep/c.txt"]
    assert sfs.glob(f"{root}/s?b/*.bin") == [f"{root}/sub/b.bin"]
    assert sfs.du(root) == sum(len(v) for v in files.values())
    assert sfs.exists(root + "/sub/") and sfs.isdir(root + "/sub") and sfs.isfile(root + "/a.txt")
    assert not sfs.exists(root + "/nothing")
    with pytest.raises(FileNotFoundError, match="nothing"):
        sfs.info(root + "/nothing")
    with pytest.raises(FileNotFoundError):
        sfs.ls(root + "/nothing")


def test_cat_file_ranges_including_past_the_end_and_from_the_end(sfs, root):
    files = tree(sfs, root)
    data = files[f"{root}/sub/b.bin"]
    p = f"{root}/sub/b.bin"
    assert sfs.cat_file(p) == data
    assert sfs.cat_file(p, 10, 20) == data[10:20]
    assert sfs.cat_file(p, -100) == data[-100:]
    assert sfs.cat_file(p, 5, -5) == data[5:-5]
    assert sfs.cat_file(p, 299_990, 400_000) == data[299_990:]
    assert sfs.cat_file(p, 500_000, 600_000) == b""
    assert sfs.cat_file(p, 20, 10) == b""
    assert sfs.cat_file(f"{root}/empty") == b""
    assert sfs.cat_file(f"{root}/empty", 0, 10) == b""
    assert sfs.cat(f"{root}/a.txt") == b"alpha\n"
    with pytest.raises(IsADirectoryError):
        sfs.cat_file(root)


def test_cat_ranges_over_many_files_returns_each_range_and_errors_in_place(sfs, root):
    files = tree(sfs, root)
    data = files[f"{root}/sub/b.bin"]
    paths = [f"{root}/sub/b.bin", f"{root}/a.txt", f"{root}/sub/b.bin", f"{root}/missing", f"{root}/sub/b.bin",
             f"{root}/empty"]
    starts = [0, 1, 299_000, 0, 400_000, 0]
    ends = [10, 3, 310_000, 5, 400_010, 4]
    out = sfs.cat_ranges(paths, starts, ends)
    assert out[0] == data[:10]
    assert out[1] == b"lp"
    assert out[2] == data[299_000:]
    assert isinstance(out[3], FileNotFoundError)
    assert out[4] == b"" and out[5] == b""
    with pytest.raises(FileNotFoundError):
        sfs.cat_ranges(paths, starts, ends, on_error="raise")
    with pytest.raises(ValueError):
        sfs.cat_ranges(paths, starts[:2], ends)


def test_pipe_put_get_round_trip_trees(sfs, root, tmp_path):
    local = tmp_path / "up"
    (local / "x" / "y").mkdir(parents=True)
    blobs = {"top.bin": os.urandom(2_500_000), "x/mid.txt": b"mid", "x/y/leaf": b"", "x/y/z.bin": os.urandom(10)}
    for rel, data in blobs.items():
        (local / rel).write_bytes(data)
    sfs.put(str(local), f"{root}/up", recursive=True)
    for rel, data in blobs.items():
        assert sfs.cat_file(f"{root}/up/{rel}") == data, rel
    sfs.put_file(str(local / "top.bin"), f"{root}/single/top.bin")
    assert sfs.cat_file(f"{root}/single/top.bin") == blobs["top.bin"]
    down = tmp_path / "down"
    sfs.get(f"{root}/up", str(down), recursive=True)
    for rel, data in blobs.items():
        assert (down / rel).read_bytes() == data, rel
    sfs.get_file(f"{root}/up/x/mid.txt", str(tmp_path / "mid.txt"))
    assert (tmp_path / "mid.txt").read_bytes() == b"mid"
    sfs.pipe_file(f"{root}/new/dirs/p.bin", b"piped")
    assert sfs.cat_file(f"{root}/new/dirs/p.bin") == b"piped"
    sfs.pipe({f"{root}/m1": b"1", f"{root}/m2": b"22"})
    assert sfs.cat([f"{root}/m1", f"{root}/m2"]) == {f"{root}/m1": b"1", f"{root}/m2": b"22"}
    sfs.pipe_file(f"{root}/m1", b"replaced")
    assert sfs.cat_file(f"{root}/m1") == b"replaced"


def test_open_reads_through_page_blocks_and_reads_ahead_only_when_sequential(sfs, root, cluster):
    page = sfs.client.page_size
    data = os.urandom(page * 6 + 123)
    p = f"{root}/big.bin"
    sfs.pipe_file(p, data)
    with sfs.open(p, "rb") as f:
        assert isinstance(f.cache, PageCache) and f.blocksize == page
        # Random access: each read fetches its own block only.
        f.seek(page * 4 + 10)
        assert f.read(100) == data[page * 4 + 10:page * 4 + 110]
        f.seek(page + 5)
        assert f.read(10) == data[page + 5:page + 15]
        assert f.cache.fetched_bytes == 2 * page
    with sfs.open(p, "rb") as f:
        # Sequential reads bring the next blocks in with them, in a growing window.
        assert f.read(1000) == data[:1000]
        assert f.cache.fetched_bytes == page
        assert f.read(1000) == data[1000:2000]
        assert f.cache.fetched_bytes == 2 * page  # block 1, ahead of the reader
        assert f.read(page) == data[2000:page + 2000]
        assert f.cache.fetched_bytes == 4 * page  # blocks 2 and 3
        f.seek(0)
        assert f.read() == data
        f.seek(page * 6)
        assert f.read(1000) == data[page * 6:]  # past the end: what there is
        assert f.read(10) == b""
        assert f.tell() == len(data)
    with sfs.open(f"{root}/lines.txt", "wb") as f:
        f.write(b"one\ntwo\nthree")
    with sfs.open(f"{root}/lines.txt", "rb") as f:
        assert f.readline() == b"one\n"
        assert list(f) == [b"two\n", b"three"]
    with sfs.open(f"{root}/lines.txt", "rt") as f:
        assert f.read().splitlines() == ["one", "two", "three"]
    with sfs.open(f"{root}/lines.txt", "ab") as f:
        f.write(b"\nfour")
    assert sfs.cat_file(f"{root}/lines.txt") == b"one\ntwo\nthree\nfour"
    with pytest.raises(FileNotFoundError):
        sfs.open(f"{root}/nothing", "rb")
    with pytest.raises(FileExistsError):
        sfs.open(f"{root}/lines.txt", "xb")


def test_rm_mv_cp(sfs, root):
    files = tree(sfs, root)
    sfs.cp_file(f"{root}/sub/b.bin", f"{root}/copy/b.bin")
    assert sfs.cat_file(f"{root}/copy/b.bin") == files[f"{root}/sub/b.bin"]
    sfs.copy(f"{root}/sub", f"{root}/sub2", recursive=True)
    assert sfs.cat_file(f"{root}/sub2/deep/c.txt") == b"gamma"
    sfs.mv(f"{root}/a.txt", f"{root}/renamed.txt")
    assert not sfs.exists(f"{root}/a.txt") and sfs.cat_file(f"{root}/renamed.txt") == b"alpha\n"
    sfs.mv(f"{root}/renamed.txt", f"{root}/sub/")  # into a directory
    assert sfs.cat_file(f"{root}/sub/renamed.txt") == b"alpha\n"
    sfs.mv(f"{root}/sub", f"{root}/moved/far/sub", recursive=True)  # a tree, parents made
    assert sfs.cat_file(f"{root}/moved/far/sub/deep/c.txt") == b"gamma"
    assert not sfs.exists(f"{root}/sub")
    sfs.pipe_file(f"{root}/victim", b"old")
    sfs.mv(f"{root}/empty", f"{root}/victim")  # replaces a file
    assert sfs.cat_file(f"{root}/victim") == b""
    with pytest.raises(IsADirectoryError):
        sfs.rm(f"{root}/moved")
    sfs.rm(f"{root}/copy/b.bin")
    assert not sfs.exists(f"{root}/copy/b.bin")
    sfs.rm(f"{root}/moved", recursive=True)
    assert not sfs.exists(f"{root}/moved")
    sfs.pipe({f"{root}/g/1.tmp": b"", f"{root}/g/2.tmp": b"", f"{root}/g/keep": b""})
    sfs.rm(f"{root}/g/*.tmp")
    assert sfs.ls(f"{root}/g", detail=False) == [f"{root}/g/keep"]
    sfs.rmdir(f"{root}/copy")
    assert not sfs.exists(f"{root}/copy")
    with pytest.raises(FileNotFoundError):
        sfs.mv(f"{root}/nothing", f"{root}/else")


def test_mkdir_makedirs_and_their_errors(sfs, root):
    sfs.mkdir(f"{root}/a/b/c")
    assert sfs.isdir(f"{root}/a/b/c")
    with pytest.raises(FileExistsError):
        sfs.mkdir(f"{root}/a/b/c")
    with pytest.raises(FileNotFoundError):
        sfs.mkdir(f"{root}/no/parent", create_parents=False)
    sfs.makedirs(f"{root}/a/b/c", exist_ok=True)
    with pytest.raises(FileExistsError):
        sfs.makedirs(f"{root}/a/b/c")


def test_checksum_modified_created_follow_the_file(sfs, root):
    p = f"{root}/versioned"
    sfs.pipe_file(p, b"one")
    first = sfs.checksum(p)
    assert sfs.checksum(p) == first
    assert sfs.ukey(p) == sfs.ukey(p)
    m1 = sfs.modified(p)
    assert m1.tzinfo is not None and sfs.created(p).tzinfo is not None
    assert abs(m1.timestamp() - sfs.client.stat(p).mtime) < 1e-3
    sfs.pipe_file(p, b"two and more")
    assert sfs.checksum(p) != first
    assert sfs.modified(p) >= m1
