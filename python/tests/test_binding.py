"""The binding against a real master and two workers over a file:// store."""

import errno
import os
import pickle

import pytest

import shoal

MiB = 1 << 20


def data_of(n, seed):
    import random
    return random.Random(seed).randbytes(n)


def test_bytes_written_are_the_bytes_read_and_land_in_the_store(fs, cluster):
    data = data_of(3 * MiB + 123, 1)
    with fs.open("/data/b/one.bin", "wb") as f:
        f.write(data[:MiB])
        f.write(memoryview(data)[MiB:])
    assert fs.cat("/data/b/one.bin") == data
    with open(os.path.join(cluster.store, "b/one.bin"), "rb") as f:
        assert f.read() == data
    with fs.open("/data/b/one.bin", "rb") as f:
        assert f.read() == data
    info = fs.stat("/data/b/one.bin")
    assert (info.size, info.type, info.is_dir, info.persisted) == (len(data), "file", False, True)


def test_readinto_fills_the_callers_buffer_and_seek_tell_work(fs):
    data = data_of(2 * MiB + 7, 2)
    fs.pipe("/data/r/f.bin", data)
    buf = bytearray(1000)
    with fs.open("/data/r/f.bin", "rb", buffering=0) as f:
        f.seek(MiB - 10)
        assert f.readinto(memoryview(buf)) == 1000
        assert bytes(buf) == data[MiB - 10:MiB + 990]
        assert f.tell() == MiB + 990
        f.seek(-7, os.SEEK_END)
        assert f.read() == data[-7:]
        assert f.readinto(memoryview(buf)) == 0
    assert fs.cat("/data/r/f.bin", MiB, MiB + 5) == data[MiB:MiB + 5]
    assert fs.cat("/data/r/f.bin", len(data) + 5) == b""


def test_text_mode_lines_and_iteration(fs):
    with fs.open("/data/t/lines.txt", "w") as f:
        for i in range(1000):
            f.write(f"line {i} é\n")
    with fs.open("/data/t/lines.txt") as f:
        lines = list(f)
    assert len(lines) == 1000 and lines[7] == "line 7 é\n"
    with fs.open("/data/t/lines.txt", "r") as f:
        assert f.readline() == "line 0 é\n"


def test_append_update_and_truncate_go_through_the_vfs(fs):
    fs.pipe("/data/u/log.txt", b"one\n")
    with fs.open("/data/u/log.txt", "ab") as f:
        f.write(b"two\n")
    assert fs.cat("/data/u/log.txt") == b"one\ntwo\n"
    with fs.open("/data/u/log.txt", "r+b") as f:
        f.seek(4)
        f.write(b"TWO")
        f.seek(0)
        assert f.read() == b"one\nTWO\n"
    assert fs.cat("/data/u/log.txt") == b"one\nTWO\n"
    with fs.open("/data/u/log.txt", "wb") as f:  # an existing file: emptied, then written
        f.write(b"new")
    assert fs.cat("/data/u/log.txt") == b"new"
    fs.truncate("/data/u/log.txt", 1)
    assert fs.cat("/data/u/log.txt") == b"n"
    with pytest.raises(FileExistsError):
        fs.open("/data/u/log.txt", "xb")


def test_namespace_calls(fs):
    fs.makedirs("/data/ns/a/b")
    fs.makedirs("/data/ns/a/b", exist_ok=True)
    with pytest.raises(FileExistsError):
        fs.makedirs("/data/ns/a/b")
    fs.pipe("/data/ns/a/x.bin", b"x")
    fs.pipe("/data/ns/a/b/y.bin", b"yy")
    fs.mkdir("/data/ns/a/c")
    assert fs.listdir("/data/ns/a") == ["b", "c", "x.bin"]
    entries = {e.name: e for e in fs.scandir("/data/ns/a")}
    assert entries["x.bin"].size == 1 and entries["b"].is_dir
    walked = [(d, sorted(ds), sorted(f)) for d, ds, f in fs.walk("/data/ns")]
    assert walked == [("/data/ns", ["a"], []), ("/data/ns/a", ["b", "c"], ["x.bin"]),
                      ("/data/ns/a/b", [], ["y.bin"]), ("/data/ns/a/c", [], [])]
    fs.rename("/data/ns/a/x.bin", "/data/ns/a/c/z.bin")
    assert fs.cat("/data/ns/a/c/z.bin") == b"x" and not fs.exists("/data/ns/a/x.bin")
    fs.pipe("/data/ns/a/w.bin", b"w")
    fs.rename("/data/ns/a/w.bin", "/data/ns/a/c/z.bin")  # replaces, as os.replace
    assert fs.cat("/data/ns/a/c/z.bin") == b"w"
    fs.remove("/data/ns/a/c/z.bin")
    fs.rmdir("/data/ns/a/c")
    fs.symlink("b/y.bin", "/data/ns/a/link")
    assert fs.readlink("/data/ns/a/link") == "b/y.bin" and fs.stat("/data/ns/a/link").type == "symlink"
    fs.chmod("/data/ns/a/b/y.bin", 0o600)
    assert fs.stat("/data/ns/a/b/y.bin").mode & 0o777 == 0o600
    fs.set_mtime("/data/ns/a/b/y.bin", 1_600_000_000)
    assert fs.stat("/data/ns/a/b/y.bin").mtime == 1_600_000_000
    fs.rmtree("/data/ns")
    assert not fs.exists("/data/ns")


def test_errors_carry_the_errno_and_name_the_path(fs):
    with pytest.raises(FileNotFoundError) as e:
        fs.open("/data/missing/nothing.bin")
    assert e.value.errno == errno.ENOENT and "/data/missing" in str(e.value)
    fs.makedirs("/data/err/d", exist_ok=True)
    fs.pipe("/data/err/d/f", b"1")
    with pytest.raises(IsADirectoryError):
        fs.open("/data/err/d")
    with pytest.raises(IsADirectoryError):
        fs.remove("/data/err/d")
    with pytest.raises(OSError) as e:
        fs.rmdir("/data/err/d")
    assert e.value.errno == errno.ENOTEMPTY
    with pytest.raises(NotADirectoryError):
        fs.listdir("/data/err/d/f")
    with pytest.raises(FileExistsError):
        fs.mkdir("/data/err/d")
    with pytest.raises(ValueError):
        fs.open("relative/path")
    with pytest.raises(ValueError):
        fs.open("/data/err/d/f", "rw")
    with pytest.raises(ValueError):
        shoal.connect(master="no-port")
    with pytest.raises(OSError) as e:
        shoal.connect(master="127.0.0.1:1", user_no_such_key="1")
    assert "no.such.key" in str(e.value)


def test_an_unreachable_master_is_unavailable():
    gone = shoal.connect(master="127.0.0.1:1", user_rpc_timeout="2s")
    with pytest.raises(shoal.Unavailable) as e:
        gone.stat("/")
    assert isinstance(e.value, ConnectionError) and "127.0.0.1:1" in str(e.value)


def test_cache_control_is_visible_in_location(fs, cluster):
    data = data_of(4 * MiB, 3)
    with open(os.path.join(cluster.store, "cold.bin"), "wb") as f:  # in the store only
        f.write(data)
    fs = shoal.connect(master=cluster.master_address, user_file_metadata_sync_interval=0)  # sees the store now
    assert sum(len(p) for p in fs.location("/data/cold.bin").values()) == 0
    fs.load("/data/cold.bin")
    held = fs.location("/data/cold.bin")
    assert set(held) == set(cluster.worker_addresses)
    assert sorted(p for pages in held.values() for p in pages) == [0, 1, 2, 3]
    fs.pin("/data/cold.bin")
    assert fs.stat("/data/cold.bin").pinned
    fs.unpin("/data/cold.bin")
    assert fs.free("/data/cold.bin") == 4
    assert sum(len(p) for p in fs.location("/data/cold.bin").values()) == 0
    assert fs.cat("/data/cold.bin") == data
    with fs.open("/data/scratch.bin", "wb", write_type="MUST_CACHE") as f:
        f.write(b"only in the cache")
    assert not fs.stat("/data/scratch.bin").persisted
    with pytest.raises(OSError) as e:
        fs.free("/data/scratch.bin")
    assert "no store copy" in str(e.value)
    with pytest.raises(OSError) as e:
        fs.open("/data/bad.bin", "wb", write_type="SOMETIMES")
    assert "MUST_CACHE" in str(e.value)


def test_a_client_pickles_by_its_configuration(fs):
    fs.pipe("/data/p.bin", b"pickled")
    again = pickle.loads(pickle.dumps(fs))
    assert again.cat("/data/p.bin") == b"pickled"


def test_a_child_forked_while_a_write_is_open_refuses_calls_and_says_why(fs):
    # gRPC cannot come through a fork while it is in use; the child must fail at once, not hang.
    f = fs.open("/data/fork-open.bin", "wb")
    f.write(b"parent's")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            fs.stat("/data")
            msg = "no error"
        except OSError as e:
            msg = str(e)
        os.write(w, msg.encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        said = pipe.read().decode()
    assert os.waitpid(pid, 0)[1] == 0
    assert "forked while its parent had a Shoal call in flight or a file open for writing" in said
    f.close()  # the parent's writer is unaffected
    assert fs.cat("/data/fork-open.bin") == b"parent's"


def test_load_of_a_tree_caches_every_file_under_it(cluster):
    fs = shoal.connect(master=cluster.master_address, user_file_metadata_sync_interval=0)
    os.makedirs(os.path.join(cluster.store, "tree/sub"))
    for name, n in (("tree/a.bin", MiB + 1), ("tree/sub/b.bin", 10)):
        with open(os.path.join(cluster.store, name), "wb") as f:
            f.write(data_of(n, n))
    fs.load("/data/tree")
    assert sorted(p for pages in fs.location("/data/tree/a.bin").values() for p in pages) == [0, 1]
    assert sorted(p for pages in fs.location("/data/tree/sub/b.bin").values() for p in pages) == [0]


def test_bad_buffers_and_closed_files_are_refused(fs):
    fs.pipe("/data/buf.bin", b"0123456789")
    with fs.open("/data/buf.bin", "rb", buffering=0) as f:
        strided = memoryview(bytearray(20))[::2]
        with pytest.raises(ValueError) as e:
            f.readinto(strided)
        assert "contiguous" in str(e.value)
        with pytest.raises(BufferError) as e:
            f.readinto(b"read-only bytes")
        assert "not writable" in str(e.value)
    with pytest.raises(ValueError):
        f.read()  # closed
    w = fs.open("/data/buf2.bin", "wb", buffering=0)
    with pytest.raises(ValueError):
        w.write(memoryview(b"abcdef")[::2])
    w.write(b"ok")
    w.close()
    assert fs.cat("/data/buf2.bin") == b"ok"
