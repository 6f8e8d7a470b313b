"""Shoal as an fsspec filesystem, over the same binding as shoal.connect().

    import fsspec
    fs = fsspec.filesystem("shoal", master="10.0.0.5:19998")
    with fsspec.open("shoal://10.0.0.5:19998/data/train/0001.bin", "rb") as f:
        f.read()
    fs.cat_ranges(["/data/t.parquet"] * 3, [0, 4096, -8], [100, 8192, None])

URLs are shoal://HOST[:PORT]/path (the master; a missing port is the configured one) or
shoal:///path (the master of the configuration). Paths inside the filesystem are absolute Shoal
paths. cat_ranges reads all the ranges of one file in one batched call: each worker receives one
request for the pieces it owns, every worker at the same time. Files opened "rb" read through a
block cache of cache-page blocks that reads ahead only while the reader is sequential (a columnar
reader jumping between column chunks fetches what it asks for and no more).
"""

import collections
import datetime
import hashlib
import os
import posixpath

import fsspec.callbacks
import fsspec.caching
from fsspec.spec import AbstractBufferedFile, AbstractFileSystem
from fsspec.utils import infer_storage_options

import shoal

_NO_CALLBACK = fsspec.callbacks.NoOpCallback()
_TYPES = {"file": "file", "directory": "directory", "symlink": "link"}


def _entry(info):
    return {
        "name": info.path,
        "size": info.size,
        "type": _TYPES.get(info.type, "other"),
        "mtime": info.mtime,
        "created": info.ctime,
        "mode": info.mode,
        "id": info.id,
        "persisted": info.persisted,
        "pinned": info.pinned,
        "islink": info.type == "symlink",
        "destination": info.symlink_target if info.type == "symlink" else None,
    }


def _span(start, end, size):
    """[start, end) of a `size`-byte file from fsspec's arguments (None: the edge; negative: from
    the end), cut to the file."""
    start = 0 if start is None else start
    end = size if end is None else end
    if start < 0:
        start = max(0, size + start)
    if end < 0:
        end = max(0, size + end)
    start = min(start, size)
    return start, max(start, min(end, size))


class PageCache(fsspec.caching.BaseCache):
    """Blocks of one cache page each, the most recently used `maxblocks` kept. A read that starts
    where the previous one ended is sequential: the blocks after it are fetched in the same call,
    a window doubling up to `readahead_blocks`. Any other read fetches only its own blocks, so
    random and columnar access never pays for bytes it does not use."""

    name = "shoal-pages"

    def __init__(self, blocksize, fetcher, size, maxblocks=32, readahead_blocks=8):
        super().__init__(blocksize, fetcher, size)
        self.maxblocks = max(1, maxblocks)
        self.readahead_blocks = readahead_blocks
        self.blocks = collections.OrderedDict()  # block index -> bytes
        self.next = None  # where the last read ended
        self.window = 0
        self.fetched_bytes = 0

    def _fetch(self, start, end):
        start, end = _span(start, end, self.size)
        if start >= end:
            return b""
        bs = self.blocksize
        first, last = start // bs, (end - 1) // bs
        if start == self.next:
            self.window = min(max(1, self.window * 2), self.readahead_blocks)
        else:
            self.window = 0
        self.next = end
        if last - first + 1 > self.maxblocks:
            # Larger than the cache: read straight through, keep nothing.
            self.fetched_bytes += end - start
            return self.fetcher(start, end)
        top = min(last + self.window, (self.size - 1) // bs)
        missing = [b for b in range(first, top + 1) if b not in self.blocks]
        # Consecutive missing blocks in one fetch.
        i = 0
        while i < len(missing):
            j = i
            while j + 1 < len(missing) and missing[j + 1] == missing[j] + 1:
                j += 1
            lo, hi = missing[i] * bs, min(self.size, (missing[j] + 1) * bs)
            data = self.fetcher(lo, hi)
            self.fetched_bytes += len(data)
            for b in range(missing[i], missing[j] + 1):
                self.blocks[b] = data[(b - missing[i]) * bs:(b - missing[i] + 1) * bs]
            i = j + 1
        parts = []
        for b in range(first, last + 1):
            self.blocks.move_to_end(b)
            block = self.blocks[b]
            lo = start - b * bs if b == first else 0
            hi = end - b * bs if b == last else len(block)
            parts.append(block[lo:hi])
        while len(self.blocks) > max(self.maxblocks, top - first + 1):
            self.blocks.popitem(last=False)
        return b"".join(parts)


fsspec.caching.caches.setdefault(PageCache.name, PageCache)


class ShoalFile(AbstractBufferedFile):
    """A file opened "rb": the version published when it was opened, read through PageCache."""

    def __init__(self, fs, path, block_size=None, cache_type=PageCache.name, cache_options=None, **kwargs):
        self._raw = fs.client.open(path, "rb", buffering=0)
        super().__init__(fs, path, mode="rb", block_size=block_size or fs.client.page_size,
                         cache_type=cache_type, cache_options=cache_options, size=self._raw.size, **kwargs)
        self.details = _entry(self._raw.info)

    def _fetch_range(self, start, end):
        buf = bytearray(max(0, end - start))
        view = memoryview(buf)
        got = 0
        while got < len(buf):
            n = self._raw.pread(start + got, view[got:])
            if n == 0:
                break
            got += n
        return bytes(buf[:got])

    def close(self):
        super().close()
        self._raw.close()


class ShoalFileSystem(AbstractFileSystem):
    """fsspec's interface to a Shoal cluster (protocol "shoal").

    ShoalFileSystem(master="host:port", conf={...}, **kwargs) takes the arguments of
    shoal.connect(); `client` uses an existing shoal.Client instead.
    """

    protocol = "shoal"
    root_marker = "/"

    def __init__(self, master=None, conf=None, client=None, master_hostname=None, master_rpc_port=None, **kwargs):
        fs_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in ("skip_instance_cache", "use_listings_cache",
                                                                      "listings_expiry_time", "max_paths")}
        super().__init__(**fs_kwargs)
        if client is None:
            extra = dict(kwargs)
            if master_hostname:
                extra["master_hostname"] = master_hostname
            if master_rpc_port:
                extra["master_rpc_port"] = master_rpc_port
            client = shoal.connect(master=master, conf=conf, **extra)
        self.client = client

    # ---- paths -------------------------------------------------------------------------------

    @classmethod
    def _strip_protocol(cls, path):
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        path = os.fspath(path)
        if path.startswith("shoal://"):
            rest = path[len("shoal://"):]
            slash = rest.find("/")
            path = "/" if slash < 0 else rest[slash:]
        elif path.startswith("shoal:"):
            path = path[len("shoal:"):]
        path = posixpath.normpath("/" + path.lstrip("/")) if path else "/"
        return "/" if path == "//" else path

    @staticmethod
    def _get_kwargs_from_urls(path):
        opts = infer_storage_options(path)
        out = {}
        if opts.get("host"):
            out["master_hostname"] = opts["host"]
        if opts.get("port"):
            out["master_rpc_port"] = opts["port"]
        return out

    def unstrip_protocol(self, name):
        return "shoal://" + self._strip_protocol(name)

    # ---- the namespace -----------------------------------------------------------------------

    def info(self, path, **kwargs):
        return _entry(self.client.stat(self._strip_protocol(path)))

    def ls(self, path, detail=True, **kwargs):
        path = self._strip_protocol(path)
        info = self.client.stat(path)
        entries = [info] if not info.is_dir else self.client.scandir(path)
        out = [_entry(e) for e in entries]
        return out if detail else [e["name"] for e in out]

    def exists(self, path, **kwargs):
        return self.client.exists(self._strip_protocol(path))

    def isdir(self, path):
        return self.client.isdir(self._strip_protocol(path))

    def isfile(self, path):
        return self.client.isfile(self._strip_protocol(path))

    def mkdir(self, path, create_parents=True, **kwargs):
        path = self._strip_protocol(path)
        if create_parents:
            if self.client.exists(path):
                raise FileExistsError(17, f"{path}: already exists")
            self.client.makedirs(path, exist_ok=True)
        else:
            self.client.mkdir(path)

    def makedirs(self, path, exist_ok=False):
        self.client.makedirs(self._strip_protocol(path), exist_ok=exist_ok)

    def rmdir(self, path):
        self.client.rmdir(self._strip_protocol(path))

    def rm_file(self, path):
        self.client.remove(self._strip_protocol(path))

    _rm = rm_file

    def rm(self, path, recursive=False, maxdepth=None):
        """Removes files; directories (whole trees) only with `recursive`. Globs are expanded."""
        paths = self.expand_path(path, recursive=False, maxdepth=maxdepth)
        for p in sorted(paths, reverse=True):  # children before their parents
            if self.client.isdir(p):
                if not recursive:
                    raise IsADirectoryError(21, f"{p}: is a directory (remove it with recursive=True)")
                self.client.rmtree(p)
            elif self.client.exists(p):
                self.client.remove(p)

    def mv(self, path1, path2, recursive=False, maxdepth=None, **kwargs):
        """Renames in the namespace (one master call, no copy, a directory with all under it).
        Onto an existing directory, the source moves into it; missing parents of the target are
        made. Lists and globs are moved
        one by one as fsspec's generic mv does."""
        if not (isinstance(path1, str) and isinstance(path2, str)) or any(c in path1 for c in "*?["):
            return super().mv(path1, path2, recursive=recursive, maxdepth=maxdepth, **kwargs)
        src, dst = self._strip_protocol(path1), self._strip_protocol(path2)
        if self.client.isdir(dst) or path2.endswith("/"):
            dst = posixpath.join(dst, posixpath.basename(src))
        parent = posixpath.dirname(dst)
        if parent != "/":
            self.client.makedirs(parent, exist_ok=True)
        self.client.rename(src, dst)

    # ---- bytes -------------------------------------------------------------------------------

    def _open(self, path, mode="rb", block_size=None, autocommit=True, cache_options=None, **kwargs):
        path = self._strip_protocol(path)
        if not autocommit:
            raise NotImplementedError("shoal: transactions (autocommit=False) are not supported; "
                                      "a file is published when it is closed")
        if mode == "rb":
            return ShoalFile(self, path, block_size=block_size, cache_options=cache_options, **kwargs)
        if mode in ("wb", "xb", "ab", "r+b"):
            parent = posixpath.dirname(path)
            if "w" in mode or "x" in mode:
                self.client.makedirs(parent, exist_ok=True)
            return self.client.open(path, mode, write_type=kwargs.get("write_type"))
        raise ValueError(f"shoal: unsupported mode {mode!r}")

    def cat_file(self, path, start=None, end=None, **kwargs):
        path = self._strip_protocol(path)
        with self.client.open(path, "rb", buffering=0) as f:
            lo, hi = _span(start, end, f.size)
            return f.pread_ranges([(lo, hi - lo)])[0]

    def cat_ranges(self, paths, starts, ends, max_gap=None, on_error="return", **kwargs):
        """The bytes of [starts[i], ends[i]) of paths[i] for every i. The ranges of one file are
        one batched read (grouped by the worker owning each page, coalesced, all workers at
        once). With on_error="return" a file's error is put in its ranges' places; else raised."""
        if not isinstance(paths, list):
            raise TypeError("cat_ranges: paths must be a list")
        starts = starts if isinstance(starts, list) else [starts] * len(paths)
        ends = ends if isinstance(ends, list) else [ends] * len(paths)
        if len(starts) != len(paths) or len(ends) != len(paths):
            raise ValueError(f"cat_ranges: {len(paths)} paths, {len(starts)} starts, {len(ends)} ends")
        by_path = collections.defaultdict(list)
        for i, p in enumerate(paths):
            by_path[self._strip_protocol(p)].append(i)
        out = [None] * len(paths)
        for path, indexes in by_path.items():
            try:
                with self.client.open(path, "rb", buffering=0) as f:
                    spans = [_span(starts[i], ends[i], f.size) for i in indexes]
                    got = f.pread_ranges([(lo, hi - lo) for lo, hi in spans])
                for i, data in zip(indexes, got):
                    out[i] = data
            except Exception as e:
                if on_error != "return":
                    raise
                for i in indexes:
                    out[i] = e
        return out

    def pipe_file(self, path, value, mode="overwrite", **kwargs):
        """Writes `value` as the file's content; mode="create" refuses a path that exists."""
        path = self._strip_protocol(path)
        if mode not in ("overwrite", "create"):
            raise ValueError(f"pipe_file: mode {mode!r} is neither 'overwrite' nor 'create'")
        self.client.makedirs(posixpath.dirname(path), exist_ok=True)
        with self.client.open(path, "xb" if mode == "create" else "wb", write_type=kwargs.get("write_type")) as f:
            f.write(value)

    def put_file(self, lpath, rpath, callback=_NO_CALLBACK, **kwargs):
        rpath = self._strip_protocol(rpath)
        if os.path.isdir(lpath):
            self.client.makedirs(rpath, exist_ok=True)
            return
        size = os.path.getsize(lpath)
        callback.set_size(size)
        self.client.makedirs(posixpath.dirname(rpath), exist_ok=True)
        chunk = self.client.page_size
        with open(lpath, "rb") as src, self.client.open(rpath, "wb", buffering=0,
                                                        write_type=kwargs.get("write_type")) as dst:
            while data := src.read(chunk):
                dst.write(data)
                callback.relative_update(len(data))

    def get_file(self, rpath, lpath, callback=_NO_CALLBACK, outfile=None, **kwargs):
        rpath = self._strip_protocol(rpath)
        if self.client.isdir(rpath):
            os.makedirs(lpath, exist_ok=True)
            return
        with self.client.open(rpath, "rb", buffering=0) as src:
            callback.set_size(src.size)
            if outfile is None and os.path.dirname(lpath):
                os.makedirs(os.path.dirname(lpath), exist_ok=True)
            dst = outfile or open(lpath, "wb")
            try:
                self._copy(src, dst, callback)
            finally:
                if outfile is None:
                    dst.close()

    def cp_file(self, path1, path2, **kwargs):
        src, dst = self._strip_protocol(path1), self._strip_protocol(path2)
        if self.client.isdir(src):
            self.client.makedirs(dst, exist_ok=True)
            return
        self.client.makedirs(posixpath.dirname(dst), exist_ok=True)
        with self.client.open(src, "rb", buffering=0) as f, self.client.open(dst, "wb", buffering=0) as g:
            self._copy(f, g, None)

    def _copy(self, src, dst, callback):
        buf = bytearray(self.client.page_size)
        view = memoryview(buf)
        while n := src.readinto(view):
            dst.write(view[:n])
            if callback is not None:
                callback.relative_update(n)

    # ---- versions and times ------------------------------------------------------------------

    def checksum(self, path):
        """Changes whenever the file's content may have: its id, size and modification time."""
        info = self.client.stat(self._strip_protocol(path))
        key = f"{info.id}:{info.size}:{info.mtime_ms}".encode()
        return int(hashlib.md5(key).hexdigest(), 16)

    def ukey(self, path):
        return hex(self.checksum(path))[2:]

    def modified(self, path):
        return datetime.datetime.fromtimestamp(self.client.stat(self._strip_protocol(path)).mtime,
                                               tz=datetime.timezone.utc)

    def created(self, path):
        """The inode change time (st_ctime), as fsspec's local filesystem reports: Shoal keeps no
        birth time."""
        return datetime.datetime.fromtimestamp(self.client.stat(self._strip_protocol(path)).ctime,
                                               tz=datetime.timezone.utc)
