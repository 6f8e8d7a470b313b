#include "stubs/short_circuit_reader.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "stubs/read_request.h"
#include "common/errno_status.h"
#include "common/fd_passing.h"
#include "worker.pb.h"

namespace shoal::stubs {

ShortCircuitReader::~ShortCircuitReader() {
  for (auto& [s, conns] : idle_) {
    for (int c : conns) ::close(c);
  }
}

Result<int> ShortCircuitReader::connection(const std::string& socket_path) {
  {
    std::lock_guard lock(mu_);
    auto& idle = idle_[socket_path];
    if (!idle.empty()) {
      int c = idle.back();
      idle.pop_back();
      return c;
    }
  }
  int c = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c < 0) return makeError(errnoStatus(errno, "socket"));
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof(addr.sun_path) - 1);
  if (::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Status st = errnoStatus(errno, "connect to worker socket " + socket_path);
    ::close(c);
    return makeError(Status(StatusCode::kUnavailable, st.message()));
  }
  return c;
}

void ShortCircuitReader::release(const std::string& socket_path, int conn) {
  std::lock_guard lock(mu_);
  idle_[socket_path].push_back(conn);
}

Result<ShortCircuitReader::OpenPage> ShortCircuitReader::open(const std::string& socket_path, const proto::FileInfo& file,
                                                              uint64_t page_size, uint64_t page, bool hit_only) {
  Key key{socket_path, file.id(), file.mtime_ms(), file.size(), page};
  bool sequential = false;
  {
    std::lock_guard lock(mu_);
    auto it = open_.find(key);
    if (it != open_.end()) return it->second;
    // A reader whose last page of this file was the one before is reading sequentially: ask for
    // a run ahead. A random reader asks for its page only (a run would open page files it never
    // reads, and push out the descriptors it will).
    uint64_t& last = last_page_[file.id() % kStreams];
    sequential = page > 0 && last == page - 1;
    last = page;
  }
  auto conn = connection(socket_path);
  if (!conn) return makeError(conn.error());
  // Ask for a run of pages: the worker adds the ones it already holds, one round trip for many.
  proto::ReadRequest req = readRequestFor(file, page * page_size, 0);
  req.set_length(std::min(page_size * (sequential ? kRunPages : 1), file.size() - page * page_size));
  req.set_cache(true);
  req.set_cache_only(hit_only || !file.persisted());
  std::string bytes;
  std::vector<int> fds;
  Status st = sendMessage(*conn, req.SerializeAsString());
  if (st) st = recvMessage(*conn, &bytes, &fds);
  if (!st) {
    ::close(*conn);
    return makeError(Status(StatusCode::kUnavailable, st.message()));
  }
  release(socket_path, *conn);
  std::vector<OpenPage> got;
  for (int fd : fds) {
    got.push_back(OpenPage{std::shared_ptr<const int>(new int(fd),
                                                      [](const int* f) {
                                                        ::close(*f);
                                                        delete f;
                                                      }),
                           0});
  }
  proto::ShortCircuitReply reply;
  if (!reply.ParseFromString(bytes)) {
    return makeError(Status(StatusCode::kInternal, "unparsable short-circuit reply from " + socket_path));
  }
  if (reply.error_code() != 0) return makeError(statusFromWire(reply.error_code(), reply.error_message()));
  if (got.empty() || static_cast<size_t>(reply.lengths_size()) != got.size()) {
    return makeError(Status(StatusCode::kInternal, fmt::format("short-circuit reply from {} carried {} descriptors for {} "
                                                               "pages", socket_path, got.size(), reply.lengths_size())));
  }
  std::lock_guard lock(mu_);
  OpenPage first;
  for (size_t i = 0; i < got.size(); ++i) {
    got[i].length = reply.lengths(static_cast<int>(i));
    Key k{socket_path, file.id(), file.mtime_ms(), file.size(), page + i};
    auto [it, inserted] = open_.emplace(k, got[i]);
    if (i == 0) first = it->second;  // another thread may have opened it meanwhile; theirs wins
    if (inserted) order_.push_back(k);
  }
  while (open_.size() > max_open_) {
    auto old = open_.find(order_.front());
    order_.pop_front();
    if (old != open_.end()) open_.erase(old);
  }
  return first;
}

Status ShortCircuitReader::read(const std::string& socket_path, const proto::FileInfo& file, uint64_t page_size,
                                uint64_t page, uint64_t in_page, std::span<char> out, bool hit_only) {
  auto p = open(socket_path, file, page_size, page, hit_only);
  if (!p) return p.error();
  if (in_page + out.size() > p->length) {
    return Status(StatusCode::kInternal, fmt::format("{}: page {} holds {} bytes, asked for {} at {}", file.path(), page,
                                                    p->length, out.size(), in_page));
  }
  SHOAL_RETURN_IF_ERROR(preadFull(*p->fd, out.data(), out.size(), in_page, "a short-circuit page of " + file.path()));
  reads_.fetch_add(1, std::memory_order_relaxed);
  return Status::ok();
}

}  // namespace shoal::stubs
