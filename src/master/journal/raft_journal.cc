#include "master/journal/raft_journal.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <functional>
#include <sstream>
#include <uv.h>

extern "C" {
#include <raft.h>
#include <raft/uv.h>
}

#include "common/logging.h"

namespace shoal::master {
namespace {

// A batch of entries as one raft entry: the count, then each entry length-prefixed (4 bytes each,
// little-endian), then zeros up to a multiple of 8 bytes (libraft's segment reader expects
// entry data so padded, measured: unpadded batches read back as corrupt after a restart).
void appendFramed(std::string& out, const proto::JournalEntry& e) {
  std::string bytes = e.SerializeAsString();
  uint32_t n = static_cast<uint32_t>(bytes.size());
  char len[4];
  std::memcpy(len, &n, 4);
  out.append(len, 4);
  out += bytes;
}

Result<std::vector<proto::JournalEntry>> decodeBatch(const char* data, size_t size) {
  std::vector<proto::JournalEntry> out;
  if (size < 4) return makeError(Status(StatusCode::kCorruption, "raft entry: no entry count"));
  uint32_t count;
  std::memcpy(&count, data, 4);
  size_t off = 4;
  for (uint32_t i = 0; i < count; ++i) {
    if (size - off < 4) return makeError(Status(StatusCode::kCorruption, "raft entry: truncated length"));
    uint32_t n;
    std::memcpy(&n, data + off, 4);
    off += 4;
    if (size - off < n) return makeError(Status(StatusCode::kCorruption, "raft entry: truncated journal entry"));
    proto::JournalEntry e;
    if (!e.ParseFromArray(data + off, static_cast<int>(n))) {
      return makeError(Status(StatusCode::kCorruption, "raft entry: undecodable journal entry"));
    }
    out.push_back(std::move(e));
    off += n;
  }
  return out;
}

}  // namespace

struct RaftJournal::Impl {
  struct Pending {
    proto::JournalEntry entry;
    std::promise<ApplyResult> done;
  };
  struct Proposal {
    struct raft_apply req;
    std::vector<std::shared_ptr<Pending>> items;
  };

  RaftJournalConfig config;
  StateMachine& sm;
  raft_id id = 0;

  uv_loop_t loop{};
  uv_async_t wake{};
  struct raft_uv_transport transport {};
  struct raft_io io {};
  struct raft_fsm fsm {};
  struct raft raft {};
  std::thread thread;
  bool closed = false;

  std::mutex mu;
  std::deque<std::shared_ptr<Pending>> queue;       // guarded by mu
  std::deque<std::function<void()>> tasks;          // guarded by mu; run on the loop
  bool stopping = false;                            // guarded by mu
  bool running = false;                             // guarded by mu

  // Results of the batch the FSM applied last, handed to the apply callback that follows it.
  std::vector<ApplyResult> last_results;

  Impl(RaftJournalConfig c, StateMachine& s) : config(std::move(c)), sm(s) {}

  std::string leaderAddress() {
    raft_id lid = 0;
    const char* addr = nullptr;
    raft_leader(&raft, &lid, &addr);
    return addr ? addr : "";
  }

  Status notLeader() {
    std::string leader = leaderAddress();
    return Status(StatusCode::kUnavailable,
                  leader.empty() ? fmt::format("master {} is not the leader and no leader is known (no quorum?)", config.self)
                                 : fmt::format("master {} is not the leader; the leader is {}", config.self, leader));
  }

  // --- loop thread ---

  static int fsmApply(struct raft_fsm* fsm, const struct raft_buffer* buf, void** result) {
    auto* self = static_cast<Impl*>(fsm->data);
    auto entries = decodeBatch(static_cast<const char*>(buf->base), buf->len);
    if (!entries) {
      logger("raft")->error("{}", entries.error().toString());
      return RAFT_MALFORMED;
    }
    self->last_results.clear();
    for (auto& e : *entries) {
      // Sequences follow the log: every member numbers the same entries the same way.
      e.set_sequence(self->sm.lastApplied() + 1);
      self->last_results.push_back(self->sm.apply(e));
    }
    *result = &self->last_results;
    return 0;
  }

  static int fsmSnapshot(struct raft_fsm* fsm, struct raft_buffer* bufs[], unsigned* n) {
    auto* self = static_cast<Impl*>(fsm->data);
    std::ostringstream out;
    Status st = self->sm.saveCheckpoint(out);
    if (!st) {
      logger("raft")->error("snapshot: {}", st.toString());
      return RAFT_IOERR;
    }
    std::string data = out.str();
    *bufs = static_cast<struct raft_buffer*>(raft_malloc(sizeof(struct raft_buffer)));
    if (!*bufs) return RAFT_NOMEM;
    (*bufs)[0].len = data.size();
    (*bufs)[0].base = raft_malloc(std::max<size_t>(1, data.size()));
    if (!(*bufs)[0].base) return RAFT_NOMEM;
    std::memcpy((*bufs)[0].base, data.data(), data.size());
    *n = 1;
    return 0;
  }

  static int fsmRestore(struct raft_fsm* fsm, struct raft_buffer* buf) {
    auto* self = static_cast<Impl*>(fsm->data);
    std::istringstream in(std::string(static_cast<const char*>(buf->base), buf->len));
    Status st = self->sm.loadCheckpoint(in);
    raft_free(buf->base);
    if (!st) {
      logger("raft")->error("snapshot restore: {}", st.toString());
      return RAFT_CORRUPT;
    }
    return 0;
  }

  static void applied(struct raft_apply* req, int status, void* result) {
    std::unique_ptr<Proposal> p(static_cast<Proposal*>(req->data));
    auto* results = static_cast<std::vector<ApplyResult>*>(result);
    for (size_t i = 0; i < p->items.size(); ++i) {
      if (status != 0 || !results || i >= results->size()) {
        // Leadership lost mid-way: the entry may still commit under the next leader, so the
        // caller must treat the outcome as unknown.
        p->items[i]->done.set_value(ApplyResult{
            Status(StatusCode::kUnavailable,
                   fmt::format("the change was not confirmed: {} (it may or may not be applied)", raft_strerror(status))),
            std::nullopt});
      } else {
        p->items[i]->done.set_value(std::move((*results)[i]));
      }
    }
  }

  void propose(std::vector<std::shared_ptr<Pending>> items) {
    uint32_t count = static_cast<uint32_t>(items.size());
    std::string batch(reinterpret_cast<const char*>(&count), 4);
    for (const auto& it : items) appendFramed(batch, it->entry);
    batch.resize((batch.size() + 7) / 8 * 8, '\0');
    struct raft_buffer buf;
    buf.len = batch.size();
    buf.base = raft_malloc(batch.size());
    std::memcpy(buf.base, batch.data(), batch.size());
    auto* p = new Proposal{};
    p->items = std::move(items);
    p->req.data = p;
    int rv = raft_apply(&raft, &p->req, &buf, 1, &Impl::applied);
    if (rv != 0) {
      raft_free(buf.base);
      Status st = rv == RAFT_NOTLEADER ? notLeader() : Status(StatusCode::kUnavailable, raft_errmsg(&raft));
      for (auto& it : p->items) it->done.set_value(ApplyResult{st, std::nullopt});
      delete p;
    }
  }

  static void onWake(uv_async_t* handle) {
    auto* self = static_cast<Impl*>(handle->data);
    std::deque<std::shared_ptr<Pending>> q;
    std::deque<std::function<void()>> t;
    bool stop;
    {
      std::lock_guard lock(self->mu);
      q.swap(self->queue);
      t.swap(self->tasks);
      stop = self->stopping;
    }
    for (auto& f : t) f();
    if (stop) {
      for (auto& p : q) p->done.set_value(ApplyResult{Status(StatusCode::kUnavailable, "the master is stopping"), std::nullopt});
      self->shutdown();
      return;
    }
    if (q.empty()) return;
    if (raft_state(&self->raft) != RAFT_LEADER) {
      Status st = self->notLeader();
      for (auto& p : q) p->done.set_value(ApplyResult{st, std::nullopt});
      return;
    }
    while (!q.empty()) {
      std::vector<std::shared_ptr<Pending>> items;
      while (!q.empty() && items.size() < kBatch) {
        items.push_back(std::move(q.front()));
        q.pop_front();
      }
      self->propose(std::move(items));
    }
  }

  void shutdown() {
    if (closed) return;
    closed = true;
    raft_close(&raft, [](struct raft* r) {
      auto* self = static_cast<Impl*>(r->data);
      raft_uv_close(&self->io);
      raft_uv_tcp_close(&self->transport);
      uv_close(reinterpret_cast<uv_handle_t*>(&self->wake), nullptr);
    });
  }

  // Runs on the loop thread until shutdown; reports start-up through `started`.
  void run(std::promise<Status>& started) {
    auto fail = [&](const std::string& what, int rv) {
      started.set_value(Status(StatusCode::kIoError, fmt::format("raft journal {}: {}: {}", config.folder, what,
                                                                 rv ? raft_strerror(rv) : "")));
    };
    uv_loop_init(&loop);
    uv_async_init(&loop, &wake, &Impl::onWake);
    wake.data = this;
    int rv = raft_uv_tcp_init(&transport, &loop);
    if (rv != 0) return fail("transport", rv);
    rv = raft_uv_init(&io, &loop, config.folder.c_str(), &transport);
    if (rv != 0) return fail(io.errmsg, rv);
    fsm.version = 1;
    fsm.data = this;
    fsm.apply = &Impl::fsmApply;
    fsm.snapshot = &Impl::fsmSnapshot;
    fsm.restore = &Impl::fsmRestore;
    rv = raft_init(&raft, &io, &fsm, id, config.self.c_str());
    if (rv != 0) return fail(raft_errmsg(&raft), rv);
    raft.data = this;
    raft_set_election_timeout(&raft, static_cast<unsigned>(config.election_timeout.count()));
    raft_set_heartbeat_timeout(&raft, static_cast<unsigned>(config.heartbeat_timeout.count()));
    raft_set_pre_vote(&raft, true);
    raft_set_snapshot_threshold(&raft, config.snapshot_threshold);
    raft_set_install_snapshot_timeout(&raft, static_cast<unsigned>(config.install_snapshot_timeout.count()));
    raft_set_snapshot_trailing(&raft, config.snapshot_threshold / 2);
    struct raft_configuration conf;
    raft_configuration_init(&conf);
    for (size_t i = 0; i < config.addresses.size(); ++i) {
      raft_configuration_add(&conf, i + 1, config.addresses[i].c_str(), RAFT_VOTER);
    }
    rv = raft_bootstrap(&raft, &conf);
    raft_configuration_close(&conf);
    if (rv != 0 && rv != RAFT_CANTBOOTSTRAP) return fail("bootstrap", rv);  // CANTBOOTSTRAP: state exists
    rv = raft_start(&raft);
    if (rv != 0) return fail(raft_errmsg(&raft), rv);
    {
      std::lock_guard lock(mu);
      running = true;
    }
    started.set_value(Status::ok());
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
};

RaftJournal::RaftJournal(RaftJournalConfig config, StateMachine& sm)
    : impl_(std::make_unique<Impl>(std::move(config), sm)) {}

RaftJournal::~RaftJournal() { stop(); }

Status RaftJournal::start() {
  auto& c = impl_->config;
  auto self = std::find(c.addresses.begin(), c.addresses.end(), c.self);
  if (self == c.addresses.end()) {
    return invalidArgument(fmt::format("this master's journal address {} is not in the journal addresses ({})", c.self,
                                       fmt::join(c.addresses, ",")));
  }
  std::vector<std::string> sorted = c.addresses;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return invalidArgument(fmt::format("the journal addresses list a member twice ({})", fmt::join(c.addresses, ",")));
  }
  impl_->id = static_cast<raft_id>(self - c.addresses.begin() + 1);
  std::error_code ec;
  std::filesystem::create_directories(c.folder, ec);
  if (ec) return Status(StatusCode::kIoError, fmt::format("raft journal {}: {}", c.folder, ec.message()));
  // A peer that dies mid-write must not take this master with it.
  std::signal(SIGPIPE, SIG_IGN);
  std::promise<Status> started;
  auto fut = started.get_future();
  impl_->thread = std::thread([this, &started] { impl_->run(started); });
  Status st = fut.get();
  if (!st) {
    impl_->thread.join();
    return st;
  }
  return Status::ok();
}

ApplyResult RaftJournal::submit(proto::JournalEntry entry) {
  auto p = std::make_shared<Impl::Pending>();
  p->entry = std::move(entry);
  auto fut = p->done.get_future();
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->running || impl_->stopping) {
      return ApplyResult{Status(StatusCode::kUnavailable, "the journal is not running"), std::nullopt};
    }
    impl_->queue.push_back(std::move(p));
  }
  uv_async_send(&impl_->wake);
  return fut.get();
}

uint64_t RaftJournal::lastSequence() const { return impl_->sm.lastApplied(); }

RaftState RaftJournal::state() {
  std::promise<RaftState> out;
  auto fut = out.get_future();
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->running || impl_->stopping) return RaftState{};
    impl_->tasks.push_back([&] {
      RaftState s;
      s.leader = raft_state(&impl_->raft) == RAFT_LEADER;
      s.leader_address = impl_->leaderAddress();
      s.term = impl_->raft.current_term;
      s.last_index = raft_last_index(&impl_->raft);
      s.applied_index = raft_last_applied(&impl_->raft);
      out.set_value(s);
    });
  }
  uv_async_send(&impl_->wake);
  return fut.get();
}

void RaftJournal::stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->running || impl_->stopping) return;
    impl_->stopping = true;
  }
  uv_async_send(&impl_->wake);
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace shoal::master
