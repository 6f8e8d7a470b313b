// shoal._native: the Python binding's native half. Thin: each call is one vfs or client call, with
// the GIL released while it waits on the network, and Status turned into a Python exception. The
// Pythonic surface (file objects, walk, fsspec, datasets) is in python/shoal/*.py.
#include <fcntl.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "client/cache_control.h"
#include "client/file_writer.h"
#include "common/path.h"
#include "py_errors.h"
#include "session.h"

namespace py = pybind11;

namespace shoal::python {

using SessionPtr = std::shared_ptr<Session>;

// A caller's buffer as its bytes, in one run (a strided view, such as memoryview[::2], is refused:
// its elements are not where one read or write would put them); taken with the GIL held.
std::span<char> contiguousBytes(py::buffer& b, py::buffer_info& info, bool writable) {
  info = b.request(writable);
  py::ssize_t expect = info.itemsize;
  for (py::ssize_t d = info.ndim - 1; d >= 0; --d) {
    if (info.shape[d] > 1 && info.strides[d] != expect) throw py::value_error("the buffer must be contiguous");
    expect *= info.shape[d];
  }
  return {static_cast<char*>(info.ptr), static_cast<size_t>(info.size * info.itemsize)};
}

std::span<char> writableBytes(py::buffer& b, py::buffer_info& info) { return contiguousBytes(b, info, true); }
std::span<const char> readableBytes(py::buffer& b, py::buffer_info& info) { return contiguousBytes(b, info, false); }

const char* typeName(proto::FileType t) {
  switch (t) {
    case proto::FILE_TYPE_REGULAR: return "file";
    case proto::FILE_TYPE_DIRECTORY: return "directory";
    case proto::FILE_TYPE_SYMLINK: return "symlink";
    case proto::FILE_TYPE_FIFO: return "fifo";
    case proto::FILE_TYPE_SOCKET: return "socket";
    case proto::FILE_TYPE_CHAR_DEVICE: return "char_device";
    case proto::FILE_TYPE_BLOCK_DEVICE: return "block_device";
    default: return "other";
  }
}

// This process's client for `s`, held for the length of a call (taken with the GIL held).
std::shared_ptr<Parts> use(Session& s) {
  auto h = s.parts();
  if (!h) {
    raise(Status(StatusCode::kFailedPrecondition,
                 "this process was forked while its parent had a Shoal call in flight or a file open for "
                 "writing; gRPC cannot be used here (fork with no call in flight, or use spawn/forkserver)"));
  }
  return h;
}

// Runs `fn` (a vfs or client call) without the GIL and raises its error.
template <typename Fn>
auto unlocked(Fn&& fn) {
  auto r = [&] {
    py::gil_scoped_release unlocked;
    return fn();
  }();
  if constexpr (std::is_same_v<decltype(r), Status>) {
    check(r);
  } else {
    return unwrap(std::move(r));
  }
}

// The same on this process's client for `s`.
template <typename Fn>
auto unlocked(Session& s, Fn&& fn) {
  std::shared_ptr<Parts> h = use(s);
  return unlocked([&] { return fn(*h); });
}

// A published version of a file, snapshotted at open: reads see that version, from any process
// (the session's client of the calling process serves them).
class Reader {
 public:
  Reader(SessionPtr s, proto::FileInfo info) : s_(std::move(s)), info_(std::move(info)) {}
  const proto::FileInfo& info() const { return info_; }
  size_t pread(uint64_t offset, py::buffer b) {
    py::buffer_info keep;
    std::span<char> out = writableBytes(b, keep);
    std::shared_ptr<Parts> h = use(*s_);
    return unlocked([&] { return h->vfs.readPublished(info_, offset, out); });
  }
  // The bytes of each (offset, length), cut at the end of the file, read in one batched call:
  // bytes objects are made first and filled without the GIL (no copy after the read).
  py::list preadRanges(const std::vector<std::pair<uint64_t, uint64_t>>& ranges) {
    std::vector<py::bytes> out;
    std::vector<client::RangeRead> reads;
    out.reserve(ranges.size());
    reads.reserve(ranges.size());
    for (auto [offset, length] : ranges) {
      uint64_t start = std::min<uint64_t>(offset, info_.size());
      uint64_t n = std::min<uint64_t>(length, info_.size() - start);
      PyObject* b = PyBytes_FromStringAndSize(nullptr, static_cast<py::ssize_t>(n));
      if (!b) throw py::error_already_set();
      out.push_back(py::reinterpret_steal<py::bytes>(b));
      reads.push_back({start, {PyBytes_AS_STRING(b), n}});
    }
    std::shared_ptr<Parts> h = use(*s_);
    unlocked([&] { return h->vfs.readRangesPublished(info_, reads); });
    py::list result;
    for (auto& b : out) result.append(std::move(b));
    return result;
  }

 private:
  SessionPtr s_;
  const proto::FileInfo info_;
};

// A writer and the client it writes through, owned by the process that opened it. Used from
// another process (a child of fork) it refuses; destroyed there, it leaves both alone, never
// touching the parent's client.
template <typename Handle>
class OwnedHere {
 public:
  OwnedHere(std::shared_ptr<Parts> h, Handle w) : h_(std::move(h)), w_(std::move(w)) {}
  OwnedHere(const OwnedHere&) = delete;
  OwnedHere& operator=(const OwnedHere&) = delete;
  ~OwnedHere() {
    if (h_->pid != ::getpid()) {
      new Handle(std::move(w_));
      new std::shared_ptr<Parts>(std::move(h_));
    }
  }
  // The writer; raises if the file is closed or was opened in another process.
  Handle& get() {
    if (h_->pid != ::getpid()) {
      raise(Status(StatusCode::kFailedPrecondition, "this file was opened for writing in another process"));
    }
    if (!w_) raise(Status(StatusCode::kFailedPrecondition, "the file is closed"));
    return w_;
  }
  void reset() {
    if (h_->pid == ::getpid()) w_.reset();
  }

 private:
  std::shared_ptr<Parts> h_;
  Handle w_;
};

// A new file written start to end: streamed to the workers and the store as it is written,
// published at close.
class StreamWriter {
 public:
  StreamWriter(std::shared_ptr<Parts> h, std::unique_ptr<client::FileWriter> w) : w_(std::move(h), std::move(w)) {}
  size_t write(py::buffer b) {
    py::buffer_info keep;
    std::span<const char> data = readableBytes(b, keep);
    auto& w = w_.get();
    unlocked([&] { return w->write(data); });
    return data.size();
  }
  proto::FileInfo close() {
    auto& w = w_.get();
    Result<proto::FileInfo> f = [&] {
      py::gil_scoped_release unlocked;
      return w->close();
    }();
    w_.reset();
    return unwrap(std::move(f));
  }
  void cancel() { w_.reset(); }  // a writer dropped unclosed cancels

 private:
  OwnedHere<std::unique_ptr<client::FileWriter>> w_;
};

// A file open for writing through the vfs (append, update, truncate): POSIX semantics, published
// at flush and close.
class VfsFile {
 public:
  VfsFile(std::shared_ptr<Parts> h, std::shared_ptr<vfs::OpenFile> f) : f_(std::move(h), std::move(f)) {}
  size_t write(uint64_t offset, py::buffer b, bool append) {
    py::buffer_info keep;
    std::span<const char> data = readableBytes(b, keep);
    auto& f = f_.get();
    return unlocked([&] { return f->write(offset, data, append); });
  }
  size_t pread(uint64_t offset, py::buffer b) {
    py::buffer_info keep;
    std::span<char> out = writableBytes(b, keep);
    auto& f = f_.get();
    return unlocked([&] { return f->read(offset, out); });
  }
  void truncate(uint64_t size) {
    auto& f = f_.get();
    unlocked([&] { return f->truncate(size); });
  }
  uint64_t size() { return f_.get()->attributes().size(); }
  void flush() {
    auto& f = f_.get();
    unlocked([&] { return f->publish(); });
  }
  proto::FileInfo close() {
    flush();
    proto::FileInfo info = f_.get()->attributes();
    f_.reset();
    return info;
  }

 private:
  OwnedHere<std::shared_ptr<vfs::OpenFile>> f_;
};

void bindFileInfo(py::module_& m) {
  py::class_<proto::FileInfo>(m, "FileInfo", "A file's or directory's attributes as the master keeps them.")
      .def_property_readonly("path", [](const proto::FileInfo& f) { return f.path(); })
      .def_property_readonly("name", [](const proto::FileInfo& f) { return f.name(); })
      .def_property_readonly("size", [](const proto::FileInfo& f) { return f.size(); })
      .def_property_readonly("is_dir", [](const proto::FileInfo& f) { return f.is_dir(); })
      .def_property_readonly("type", [](const proto::FileInfo& f) { return typeName(f.type()); })
      .def_property_readonly("mode", [](const proto::FileInfo& f) { return f.mode(); })
      .def_property_readonly("owner", [](const proto::FileInfo& f) { return f.owner(); })
      .def_property_readonly("group", [](const proto::FileInfo& f) { return f.group(); })
      .def_property_readonly("mtime_ms", [](const proto::FileInfo& f) { return f.mtime_ms(); })
      .def_property_readonly("mtime", [](const proto::FileInfo& f) { return static_cast<double>(f.mtime_ms()) / 1000.0; })
      .def_property_readonly("ctime", [](const proto::FileInfo& f) {
        return static_cast<double>(f.ctime_ms() ? f.ctime_ms() : f.mtime_ms()) / 1000.0;
      })
      .def_property_readonly("id", [](const proto::FileInfo& f) { return f.id(); })
      .def_property_readonly("persisted", [](const proto::FileInfo& f) { return f.persisted(); })
      .def_property_readonly("pinned", [](const proto::FileInfo& f) { return f.pinned(); })
      .def_property_readonly("complete", [](const proto::FileInfo& f) { return f.complete(); })
      .def_property_readonly("mount_point", [](const proto::FileInfo& f) { return f.mount_point(); })
      .def_property_readonly("ufs_uri", [](const proto::FileInfo& f) { return f.ufs_uri(); })
      .def_property_readonly("symlink_target", [](const proto::FileInfo& f) { return f.symlink_target(); })
      .def("__repr__", [](const proto::FileInfo& f) {
        return "<shoal.FileInfo " + f.path() + " " + typeName(f.type()) + " " + std::to_string(f.size()) + " bytes>";
      });
}

void bindFiles(py::module_& m) {
  py::class_<Reader>(m, "Reader")
      .def_property_readonly("info", &Reader::info)
      .def("pread", &Reader::pread, py::arg("offset"), py::arg("buffer"),
           "Fills `buffer` from `offset`; returns the bytes read (0 at the end).")
      .def("pread_ranges", &Reader::preadRanges, py::arg("ranges"),
           "[(offset, length), ...] -> [bytes, ...], cut at the end of the file; each worker gets one "
           "request for all the pieces it owns, all workers at once.");
  py::class_<StreamWriter>(m, "StreamWriter")
      .def("write", &StreamWriter::write)
      .def("close", &StreamWriter::close, "Publishes the file; returns it as readers now see it.")
      .def("cancel", &StreamWriter::cancel);
  py::class_<VfsFile>(m, "VfsFile")
      .def("write", &VfsFile::write, py::arg("offset"), py::arg("data"), py::arg("append"))
      .def("pread", &VfsFile::pread)
      .def("truncate", &VfsFile::truncate)
      .def("size", &VfsFile::size)
      .def("flush", &VfsFile::flush, "Publishes the changes so far.")
      .def("close", &VfsFile::close);
}

void bindSession(py::module_& m) {
  py::class_<Session, SessionPtr>(m, "Session")
      .def_static("connect", [](std::vector<std::string> overrides) { return unwrap(Session::connect(std::move(overrides))); })
      .def_property_readonly("overrides", &Session::overrides)
      .def("stat", [](Session& s, const std::string& p) { return unlocked(s, [&](Parts& h) { return h.vfs.attributes(p); }); })
      .def("listdir", [](Session& s, const std::string& p) {
        auto entries = unlocked(s, [&](Parts& h) { return h.vfs.list(p); });
        // The master lists a file as itself (as ls does); a directory listing of one is an error.
        if (auto n = normalizePath(p); n && entries.size() == 1 && !entries[0].is_dir() && entries[0].path() == *n) {
          raise(Status(StatusCode::kNotADirectory, p + ": not a directory"));
        }
        return entries;
      })
      .def("mkdir", [](Session& s, const std::string& p, uint32_t mode) {
        return unlocked(s, [&](Parts& h) { return h.vfs.mkdir(p, mode); });
      })
      .def("makedirs", [](Session& s, const std::string& p, uint32_t mode) {
        return unlocked(s, [&](Parts& h) { return h.client().master().createDirectory(p, /*recursive=*/true, mode); });
      })
      .def("rmdir", [](Session& s, const std::string& p) { unlocked(s, [&](Parts& h) { return h.vfs.rmdir(p); }); })
      .def("unlink", [](Session& s, const std::string& p) { unlocked(s, [&](Parts& h) { return h.vfs.unlink(p); }); })
      .def("rmtree", [](Session& s, const std::string& p) {
        unlocked(s, [&](Parts& h) { return h.client().master().remove(p, /*recursive=*/true); });
      })
      .def("rename", [](Session& s, const std::string& from, const std::string& to, bool noreplace) {
        unlocked(s, [&](Parts& h) { return h.vfs.rename(from, to, noreplace); });
      })
      .def("truncate", [](Session& s, const std::string& p, uint64_t size) {
        unlocked(s, [&](Parts& h) { return h.vfs.truncate(p, size); });
      })
      .def("symlink", [](Session& s, const std::string& target, const std::string& p) {
        return unlocked(s, [&](Parts& h) { return h.vfs.symlink(target, p); });
      })
      .def("readlink", [](Session& s, const std::string& p) { return unlocked(s, [&](Parts& h) { return h.vfs.readlink(p); }); })
      .def("chmod", [](Session& s, const std::string& p, uint32_t mode) {
        unlocked(s, [&](Parts& h) { return h.vfs.setAttributes(p, mode, std::nullopt, std::nullopt); });
      })
      .def("set_mtime", [](Session& s, const std::string& p, int64_t mtime_ms) {
        unlocked(s, [&](Parts& h) { return h.vfs.setTimes(p, mtime_ms, std::nullopt); });
      })
      .def("open_reader", [](SessionPtr s, const std::string& p) {
        auto f = unlocked(*s, [&](Parts& h) { return h.client().master().getStatus(p); });
        if (f.is_dir()) raise(Status(StatusCode::kIsADirectory, f.path() + ": is a directory"));
        if (f.type() != proto::FILE_TYPE_REGULAR) {
          raise(invalidArgument(f.path() + ": not a regular file (a " + typeName(f.type()) + ")"));
        }
        return Reader(s, std::move(f));
      })
      .def("create", [](SessionPtr s, const std::string& p, const std::string& write_type) {
        client::WriteOptions opts;
        if (!write_type.empty()) opts.write_type = unwrap(client::parseWriteType(write_type));
        std::shared_ptr<Parts> h = use(*s);
        auto w = unlocked([&] { return h->client().createFile(p, opts); });
        return std::make_unique<StreamWriter>(h, std::move(w));
      }, py::arg("path"), py::arg("write_type") = "")
      .def("open_vfs", [](SessionPtr s, const std::string& p, int flags, uint32_t mode) {
        std::shared_ptr<Parts> h = use(*s);
        auto f = unlocked([&] { return h->vfs.openWrite(p, flags, mode); });
        return std::make_unique<VfsFile>(h, std::move(f));
      })
      .def("load", [](Session& s, const std::string& p) {
        unlocked(s, [&](Parts& h) -> Status {
          auto f = h.client().master().getStatus(p);
          if (!f) return f.error();
          if (f->is_dir()) return Status(StatusCode::kIsADirectory, f->path() + ": is a directory");
          return h.client().reader().load(*f, 0, f->size());
        });
      }, "Reads a file into the workers' cache.")
      .def("free", [](Session& s, const std::string& p) {
        return unlocked(s, [&](Parts& h) -> Result<uint64_t> {
          auto f = h.client().master().getStatus(p);
          if (!f) return makeError(f.error());
          return client::freeFile(h.client(), *f);
        });
      }, "Drops a file's cached pages from every live worker; returns how many.")
      .def("set_pinned", [](Session& s, const std::string& p, bool pinned, bool recursive) {
        unlocked(s, [&](Parts& h) { return h.client().master().setPinned(p, pinned, recursive); });
      })
      .def("location", [](Session& s, const std::string& p) {
        auto held = unlocked(s, [&](Parts& h) -> Result<std::vector<client::WorkerPages>> {
          auto f = h.client().master().getStatus(p);
          if (!f) return makeError(f.error());
          if (f->is_dir()) return makeError(Status(StatusCode::kIsADirectory, f->path() + ": is a directory"));
          return client::cachedPages(h.client(), f->id());
        });
        py::dict out;
        for (auto& w : held) out[py::str(w.worker)] = w.pages;
        return out;
      }, "{worker address: [page indexes it holds]} over the live workers.")
      .def("page_size", [](Session& s) { return use(s)->client().conf().getBytes(keys::kWorkerPageSize); });
}

}  // namespace shoal::python

using shoal::python::Session;

PYBIND11_MODULE(_native, m) {
  // Before gRPC starts. Fork safety (session.h) shuts gRPC down before a fork and starts it
  // again after; with the default epoll1 poller the restarted gRPC still failed in the children
  // (its event engine outlives a shutdown), with the poll poller it holds no state past one.
  ::setenv("GRPC_POLL_STRATEGY", "poll", /*overwrite=*/0);
  Session::holdGrpc();
  m.doc() = "Shoal's client and vfs, for the `shoal` package";
  shoal::python::registerErrors(m);
  shoal::python::bindFileInfo(m);
  shoal::python::bindFiles(m);
  shoal::python::bindSession(m);
  m.def("_before_fork", &Session::beforeFork);
  m.def("_after_fork_in_parent", &Session::afterForkInParent);
  m.def("_after_fork_in_child", &Session::afterForkInChild);
  m.attr("O_APPEND") = O_APPEND;
  m.attr("O_CREAT") = O_CREAT;
  m.attr("O_EXCL") = O_EXCL;
  m.attr("O_TRUNC") = O_TRUNC;
  m.attr("O_RDWR") = O_RDWR;
  m.attr("O_WRONLY") = O_WRONLY;
}
