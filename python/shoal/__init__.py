"""Shoal from Python: the namespace, file objects and cache control over Shoal's own client.

    import shoal
    fs = shoal.connect(master="10.0.0.5:19998")
    with fs.open("/data/train/0001.bin", "rb") as f:
        f.readinto(buf)                       # straight into the caller's buffer
    fs.listdir("/data/train")

Calls go to the master and the workers through the C++ client (no REST hop, no silent fallback
to the store), with the GIL released while they wait. A client made in a parent process keeps
working in a child of fork(), spawn or forkserver (pickling carries its configuration).
Errors are OSError subclasses with the errno and a message naming the path and the cause;
shoal.Unavailable (a ConnectionError) when no master or worker answered.
"""

import io
import os
import posixpath
import stat as _stat

from . import _native
from ._native import FileInfo, Unavailable

__all__ = ["connect", "Client", "FileInfo", "Unavailable"]


def _overrides(master, conf, kwargs):
    out = []
    if master:
        host, _, port = master.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"master {master!r}: expected host:port")
        out += [f"shoal.master.hostname={host}", f"shoal.master.rpc.port={port}"]
    items = dict(conf or {})
    for k, v in kwargs.items():
        # connect(user_short_circuit_enabled=False) for shoal.user.short.circuit.enabled
        items[k if k.startswith("shoal.") else "shoal." + k.replace("_", ".")] = v
    for k, v in items.items():
        if isinstance(v, bool):
            v = "true" if v else "false"
        out.append(f"{k}={v}")
    return out


def connect(master=None, conf=None, **kwargs):
    """A client of the cluster whose leading master (or any master) is `master` ("host:port").

    Configuration: $SHOAL_CONF_DIR/shoal-site.properties, then `conf` ({"shoal.key": value}), then
    keyword arguments (dots written as underscores, "shoal." implied). No call is made yet.
    """
    return Client(_native.Session.connect(_overrides(master, conf, kwargs)))


def _reconnect(overrides):
    return Client(_native.Session.connect(list(overrides)))


def _norm(path):
    if not isinstance(path, str):
        path = os.fspath(path)
        if isinstance(path, bytes):
            path = path.decode()
    if not path.startswith("/"):
        raise ValueError(f"{path!r}: Shoal paths are absolute (they start with /)")
    return path


class Client:
    """One connection to a Shoal cluster. Thread-safe; picklable (by its configuration)."""

    def __init__(self, session):
        self._s = session

    def __reduce__(self):
        return (_reconnect, (list(self._s.overrides),))

    @property
    def page_size(self):
        return self._s.page_size()

    # ---- files -------------------------------------------------------------------------------

    def open(self, path, mode="r", buffering=-1, encoding=None, errors=None, newline=None, write_type=None):
        """A file object, as the built-in open(): modes r, w, x, a with + and b or t.

        Reads see the version published when the file was opened. Writes are published at
        flush() and close(); `write_type` (MUST_CACHE, CACHE_THROUGH, THROUGH) applies to a new
        file written start to end (modes "w" and "x" on a path that does not exist yet).
        """
        path = _norm(path)
        modes = set(mode)
        if len(modes) != len(mode) or not modes <= set("rwxabt+") or len(modes & set("rwxa")) != 1 \
                or {"b", "t"} <= modes:
            raise ValueError(f"invalid mode: {mode!r}")
        binary = "b" in modes
        if binary and (encoding or errors or newline is not None):
            raise ValueError("binary mode takes no encoding, errors or newline")
        raw = _open_raw(self._s, path, modes, write_type)
        if buffering == 0:
            if not binary:
                raise ValueError("can't have unbuffered text I/O")
            return raw
        size = self.page_size if buffering in (-1, 1) else buffering
        if raw.readable() and raw.writable():
            buffered = io.BufferedRandom(raw, size)
        elif raw.writable():
            buffered = io.BufferedWriter(raw, size)
        else:
            buffered = io.BufferedReader(raw, size)
        if binary:
            return buffered
        text = io.TextIOWrapper(buffered, encoding or "utf-8", errors, newline, line_buffering=buffering == 1)
        text.mode = mode
        return text

    def cat(self, path, start=0, end=None):
        """The bytes of [start, end) of a file (to its end without `end`)."""
        with self.open(path, "rb", buffering=0) as f:
            size = f.size
            end = size if end is None else min(end, size)
            if start >= end:
                return b""
            buf = bytearray(end - start)
            view = memoryview(buf)
            got = 0
            while got < len(buf):
                n = f.pread(start + got, view[got:])
                if n == 0:
                    break
                got += n
            return bytes(buf[:got])

    def cat_ranges(self, path, ranges):
        """The bytes of each (start, end) of one file, in one batched read (cut at its end)."""
        with self.open(path, "rb", buffering=0) as f:
            return f.pread_ranges([(s, max(0, e - s)) for s, e in ranges])

    def pipe(self, path, data, write_type=None):
        """Writes `data` as the whole content of `path` (replacing it)."""
        with self.open(path, "wb", write_type=write_type) as f:
            f.write(data)

    # ---- the namespace -----------------------------------------------------------------------

    def stat(self, path):
        """The FileInfo of `path` (links are not followed: Shoal never follows one)."""
        return self._s.stat(_norm(path))

    lstat = stat

    def exists(self, path):
        try:
            self._s.stat(_norm(path))
            return True
        except FileNotFoundError:
            return False

    def isdir(self, path):
        try:
            return self._s.stat(_norm(path)).is_dir
        except FileNotFoundError:
            return False

    def isfile(self, path):
        try:
            return self._s.stat(_norm(path)).type == "file"
        except FileNotFoundError:
            return False

    def scandir(self, path):
        """The entries of a directory, with their attributes, sorted by name."""
        return sorted(self._s.listdir(_norm(path)), key=lambda e: e.name)

    def listdir(self, path):
        return [e.name for e in self.scandir(path)]

    def walk(self, top, topdown=True):
        """As os.walk: (dirpath, dirnames, filenames) for every directory under `top`."""
        top = _norm(top)
        try:
            entries = self.scandir(top)
        except (FileNotFoundError, NotADirectoryError):
            return
        dirs = [e.name for e in entries if e.is_dir]
        files = [e.name for e in entries if not e.is_dir]
        if topdown:
            yield top, dirs, files
        for d in dirs:
            yield from self.walk(posixpath.join(top, d), topdown)
        if not topdown:
            yield top, dirs, files

    def mkdir(self, path, mode=0o777):
        return self._s.mkdir(_norm(path), mode)

    def makedirs(self, path, mode=0o777, exist_ok=False):
        path = _norm(path)
        if not exist_ok and self.exists(path):
            raise FileExistsError(17, f"{path}: already exists")
        return self._s.makedirs(path, mode)

    def remove(self, path):
        self._s.unlink(_norm(path))

    unlink = remove

    def rmdir(self, path):
        self._s.rmdir(_norm(path))

    def rmtree(self, path):
        self._s.rmtree(_norm(path))

    def rename(self, src, dst):
        """Moves `src` to `dst`, replacing a file there (as os.replace)."""
        self._s.rename(_norm(src), _norm(dst), False)

    replace = rename

    def truncate(self, path, size):
        self._s.truncate(_norm(path), size)

    def symlink(self, target, path):
        return self._s.symlink(target, _norm(path))

    def readlink(self, path):
        return self._s.readlink(_norm(path))

    def chmod(self, path, mode):
        self._s.chmod(_norm(path), _stat.S_IMODE(mode))

    def set_mtime(self, path, mtime):
        """Sets the modification time (seconds since the epoch)."""
        self._s.set_mtime(_norm(path), int(mtime * 1000))

    # ---- the cache ---------------------------------------------------------------------------

    def load(self, path):
        """Reads a file, or every file under a directory, into the workers' cache."""
        path = _norm(path)
        if not self._s.stat(path).is_dir:
            self._s.load(path)
            return
        for entry in self.scandir(path):  # the listing carries each entry's type: no stat per file
            if entry.is_dir:
                self.load(entry.path)
            elif entry.type == "file":
                self._s.load(entry.path)

    def free(self, path):
        """Drops a file's cached pages from every live worker; returns how many were dropped."""
        return self._s.free(_norm(path))

    def pin(self, path, recursive=False):
        """Keeps the file's pages (every file's, under a directory with `recursive`) in the cache."""
        self._s.set_pinned(_norm(path), True, recursive)

    def unpin(self, path, recursive=False):
        self._s.set_pinned(_norm(path), False, recursive)

    def location(self, path):
        """{worker address: [indexes of the file's pages it holds]} over the live workers."""
        return self._s.location(_norm(path))


def _open_raw(session, path, modes, write_type):
    plus = "+" in modes
    if "r" in modes and not plus:
        return _ReadFile(session.open_reader(path), path)
    if ("w" in modes or "x" in modes) and not plus:
        exists = True
        try:
            session.stat(path)
        except FileNotFoundError:
            exists = False
        if "x" in modes and exists:
            raise FileExistsError(17, f"{path}: already exists")
        if not exists:
            # A new file written start to end: streamed to the workers and the store as written.
            return _StreamFile(session.create(path, write_type or ""), path)
    n = _native
    if "r" in modes:
        flags = n.O_RDWR
    elif "w" in modes:
        flags = n.O_RDWR | n.O_CREAT | n.O_TRUNC
    elif "x" in modes:
        flags = n.O_RDWR | n.O_CREAT | n.O_EXCL
    else:
        flags = n.O_RDWR | n.O_CREAT | n.O_APPEND
    return _VfsRawFile(session.open_vfs(path, flags, 0o644), path, readable="r" in modes or plus,
                       append="a" in modes)


class _RawBase(io.RawIOBase):
    def __init__(self, path):
        super().__init__()
        self.name = path
        self._pos = 0

    def tell(self):
        self._checkClosed()
        return self._pos

    def seek(self, offset, whence=io.SEEK_SET):
        self._checkClosed()
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: None}[whence]
        if base is None:
            base = self._end()
        if base + offset < 0:
            raise OSError(22, f"{self.name}: negative seek position {base + offset}")
        self._pos = base + offset
        return self._pos


class _ReadFile(_RawBase):
    """A published version of a file, read at any offset."""

    mode = "rb"

    def __init__(self, reader, path):
        super().__init__(path)
        self._r = reader
        self.info = reader.info
        self.size = self.info.size

    def readable(self):
        return True

    def seekable(self):
        return True

    def _end(self):
        return self.size

    def pread(self, offset, buffer):
        """Fills `buffer` with the bytes at `offset`; returns how many (0 at the end)."""
        self._checkClosed()
        return self._r.pread(offset, buffer)

    def pread_ranges(self, ranges):
        """[(offset, length), ...] -> [bytes, ...], cut at the end of the file: one batched read
        (each worker gets one request for the pieces it owns, all workers at once)."""
        self._checkClosed()
        return self._r.pread_ranges(ranges)

    def readinto(self, buffer):
        self._checkClosed()
        n = self._r.pread(self._pos, buffer)
        self._pos += n
        return n

    def readall(self):
        self._checkClosed()
        if self._pos >= self.size:
            return b""
        buf = bytearray(self.size - self._pos)
        view = memoryview(buf)
        got = 0
        while got < len(buf):
            n = self._r.pread(self._pos + got, view[got:])
            if n == 0:
                break
            got += n
        self._pos += got
        return bytes(buf[:got])


class _StreamFile(_RawBase):
    """A new file written start to end; published at close."""

    mode = "wb"

    def __init__(self, writer, path):
        super().__init__(path)
        self._w = writer
        self.info = None

    def writable(self):
        return True

    def write(self, data):
        self._checkClosed()
        n = self._w.write(data)
        self._pos += n
        return n

    def close(self):
        if self.closed:
            return
        try:
            self.info = self._w.close()
        finally:
            super().close()


class _VfsRawFile(_RawBase):
    """A file open for update or append, through the vfs: published at flush and close."""

    def __init__(self, f, path, readable, append):
        super().__init__(path)
        self._f = f
        self._readable = readable
        self._append = append
        self.mode = ("a" if append else "r+") + "b"
        self.info = None
        if append:
            self._pos = f.size()

    def readable(self):
        return self._readable

    def writable(self):
        return True

    def seekable(self):
        return True

    def _end(self):
        return self._f.size()

    def readinto(self, buffer):
        self._checkClosed()
        if not self._readable:
            raise io.UnsupportedOperation("read")
        n = self._f.pread(self._pos, buffer)
        self._pos += n
        return n

    def write(self, data):
        self._checkClosed()
        n = self._f.write(self._pos, data, self._append)
        self._pos = self._f.size() if self._append else self._pos + n
        return n

    def truncate(self, size=None):
        self._checkClosed()
        size = self._pos if size is None else size
        self._f.truncate(size)
        return size

    def flush(self):
        if not self.closed:
            self._f.flush()

    def close(self):
        if self.closed:
            return
        try:
            super().close()  # flushes: the changes are published
        finally:
            self.info = self._f.close()


def _register_fork_hooks():
    os.register_at_fork(before=_native._before_fork, after_in_parent=_native._after_fork_in_parent,
                        after_in_child=_native._after_fork_in_child)


_register_fork_hooks()


def _register_fsspec():
    # The entry point (shoal-*.dist-info) registers the protocol where the package is installed;
    # this covers a package put on sys.path by hand. The class is named, not imported: fsspec
    # imports shoal.fsspec when the protocol is first used.
    try:
        import fsspec
    except ImportError:
        return
    fsspec.register_implementation("shoal", "shoal.fsspec.ShoalFileSystem", clobber=True)


_register_fsspec()
